import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.js';

describe('configuration from the environment', () => {
  it('defaults to the embedded database in ./data on port 4000, in production mode, with CORS closed', () => {
    expect(parseEnv({})).toEqual({
      PORT: 4000,
      DATABASE_CONNECT_TIMEOUT_SECONDS: 30,
      TRUST_PROXY_HOPS: 0,
      DATA_DIR: './data',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      SIMULATOR_RATE: 5,
      TICK_MS: 1000,
      LIVE_TICK_CONCURRENCY: 4,
      STATEMENT_TIMEOUT_MS: 30_000,
      LIVE_HEARTBEAT_MS: 5000,
      LIVE_SHARE_TOPICS: true,
      LIVE_SHARE_EXECUTIONS: true,
      ACCESS_TOKEN_TTL_SECONDS: 900,
      CORS_ORIGINS: [],
      RATE_LIMIT_MAX: 20_000,
      RATE_LIMIT_RESTORE_PER_SECOND: 10_000,
      WEBHOOK_ALLOW_PRIVATE_URLS: false,
      RETENTION_MINUTE_ROLLUPS_DAYS: 90,
      DEMO: false,
    });
  });

  it('trusts no proxy unless told how many, and bounds the start-up wait for the database', () => {
    expect(parseEnv({ TRUST_PROXY_HOPS: '1', DATABASE_CONNECT_TIMEOUT_SECONDS: '5' })).toMatchObject({ TRUST_PROXY_HOPS: 1, DATABASE_CONNECT_TIMEOUT_SECONDS: 5 });
    expect(() => parseEnv({ TRUST_PROXY_HOPS: '-1' })).toThrow(/TRUST_PROXY_HOPS="-1"/);
    expect(() => parseEnv({ DATABASE_CONNECT_TIMEOUT_SECONDS: '0' })).toThrow(/DATABASE_CONNECT_TIMEOUT_SECONDS="0"/);
  });

  it('bounds every statement at 30 s unless STATEMENT_TIMEOUT_MS says otherwise; 0 lifts it', () => {
    expect(parseEnv({ STATEMENT_TIMEOUT_MS: '0' }).STATEMENT_TIMEOUT_MS).toBe(0);
    expect(parseEnv({ STATEMENT_TIMEOUT_MS: '5000' }).STATEMENT_TIMEOUT_MS).toBe(5_000);
    expect(() => parseEnv({ STATEMENT_TIMEOUT_MS: '-1' })).toThrow(/STATEMENT_TIMEOUT_MS="-1"/);
    expect(() => parseEnv({ STATEMENT_TIMEOUT_MS: '30s' })).toThrow(/STATEMENT_TIMEOUT_MS="30s"/);
  });

  it('computes four live topics at once unless LIVE_TICK_CONCURRENCY says otherwise, from 1 to 32', () => {
    expect(parseEnv({ LIVE_TICK_CONCURRENCY: '1' }).LIVE_TICK_CONCURRENCY).toBe(1);
    expect(() => parseEnv({ LIVE_TICK_CONCURRENCY: '0' })).toThrow(/LIVE_TICK_CONCURRENCY="0"/);
    expect(() => parseEnv({ LIVE_TICK_CONCURRENCY: '33' })).toThrow(/LIVE_TICK_CONCURRENCY="33"/);
  });

  it('keeps minute rollups 90 days and raw events forever unless RETENTION_* says otherwise', () => {
    expect(parseEnv({}).RETENTION_EVENTS_DAYS).toBeUndefined();
    expect(parseEnv({ RETENTION_EVENTS_DAYS: '400', RETENTION_MINUTE_ROLLUPS_DAYS: '30' })).toMatchObject({ RETENTION_EVENTS_DAYS: 400, RETENTION_MINUTE_ROLLUPS_DAYS: 30 });
    expect(() => parseEnv({ RETENTION_MINUTE_ROLLUPS_DAYS: '0' })).toThrow(/RETENTION_MINUTE_ROLLUPS_DAYS="0"/);
    expect(() => parseEnv({ RETENTION_EVENTS_DAYS: 'forever' })).toThrow(/RETENTION_EVENTS_DAYS="forever"/);
  });

  it('refuses webhooks to private addresses unless WEBHOOK_ALLOW_PRIVATE_URLS=true', () => {
    expect(parseEnv({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }).WEBHOOK_ALLOW_PRIVATE_URLS).toBe(true);
    expect(parseEnv({ WEBHOOK_ALLOW_PRIVATE_URLS: 'false' }).WEBHOOK_ALLOW_PRIVATE_URLS).toBe(false);
    expect(() => parseEnv({ WEBHOOK_ALLOW_PRIVATE_URLS: 'yes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE_URLS="yes"/);
  });

  it('takes an admin key of at least 32 characters and never echoes a bad one', () => {
    expect(parseEnv({ PEAKOPS_ADMIN_KEY: 'k'.repeat(32) }).PEAKOPS_ADMIN_KEY).toBe('k'.repeat(32));
    expect(() => parseEnv({ PEAKOPS_ADMIN_KEY: 'short-secret' })).toThrow(/PEAKOPS_ADMIN_KEY: must be at least 32/);
    expect(() => parseEnv({ PEAKOPS_ADMIN_KEY: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('takes a previous JWT secret of at least 32 characters beside the current one, and never echoes it', () => {
    const current = 'c'.repeat(32);
    expect(parseEnv({ PEAKOPS_JWT_SECRET: current, PEAKOPS_JWT_SECRET_PREVIOUS: 'p'.repeat(32) }).PEAKOPS_JWT_SECRET_PREVIOUS).toBe('p'.repeat(32));
    expect(parseEnv({ PEAKOPS_JWT_SECRET: current }).PEAKOPS_JWT_SECRET_PREVIOUS).toBeUndefined();
    expect(() => parseEnv({ PEAKOPS_JWT_SECRET: current, PEAKOPS_JWT_SECRET_PREVIOUS: 'short-old-secret' })).toThrow(/PEAKOPS_JWT_SECRET_PREVIOUS: must be at least 32/);
    expect(() => parseEnv({ PEAKOPS_JWT_SECRET: current, PEAKOPS_JWT_SECRET_PREVIOUS: 'short-old-secret' })).not.toThrow(/short-old-secret/);
    // Alone it would leave new tokens signed with the key derived from the admin key (or a random one).
    expect(() => parseEnv({ PEAKOPS_JWT_SECRET_PREVIOUS: 'p'.repeat(32) })).toThrow(/PEAKOPS_JWT_SECRET_PREVIOUS: needs PEAKOPS_JWT_SECRET/);
    expect(() => parseEnv({ PEAKOPS_JWT_SECRET_PREVIOUS: 'p'.repeat(32) })).not.toThrow(/ppp/);
  });

  it('lists CORS origins and refuses one with a path', () => {
    expect(parseEnv({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).CORS_ORIGINS).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(() => parseEnv({ CORS_ORIGINS: 'https://a.example/app' })).toThrow(/CORS_ORIGINS/);
  });

  it('loads the demo only when DEMO=true', () => {
    expect(parseEnv({}).DEMO).toBe(false);
    expect(parseEnv({ DEMO: 'true' }).DEMO).toBe(true);
    expect(parseEnv({ DEMO: 'false' }).DEMO).toBe(false);
    expect(() => parseEnv({ DEMO: '1' })).toThrow(/DEMO="1"/);
  });

  it('runs the demo simulator at 5 events/s unless SIMULATOR_RATE says otherwise (0 turns it off)', () => {
    expect(parseEnv({ SIMULATOR_RATE: '0' }).SIMULATOR_RATE).toBe(0);
    expect(parseEnv({ SIMULATOR_RATE: '2.5' }).SIMULATOR_RATE).toBe(2.5);
    expect(() => parseEnv({ SIMULATOR_RATE: '-1' })).toThrow(/SIMULATOR_RATE="-1"/);
    expect(() => parseEnv({ SIMULATOR_RATE: 'fast' })).toThrow(/SIMULATOR_RATE="fast"/);
  });

  it('treats empty variables as unset, as docker-compose exports them', () => {
    expect(parseEnv({ DATABASE_URL: '', PORT: '' }).DATABASE_URL).toBeUndefined();
  });

  it('stops start-up naming the bad variable and its value', () => {
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(/PORT="eighty"/);
    expect(() => parseEnv({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL="loud"/);
  });

  it('shows a bad DATABASE_URL without its password', () => {
    let message = '';
    try {
      parseEnv({ DATABASE_URL: 'mysql://root:secret@db/x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/DATABASE_URL="mysql:\/\/\*\*\*@db\/x": must be a postgres/);
    expect(message).not.toMatch(/secret/);
  });

  it('shows a bad URL setting without its credentials, whichever it is and however malformed', () => {
    const messageOf = (source: Record<string, string>) => {
      try {
        parseEnv(source);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    // The SRE's case: a colon missing, and the password printed back.
    const redis = messageOf({ REDIS_URL: 'redis//:s3cretRedisPw@10.0.0.5:6379' });
    expect(redis).toContain('REDIS_URL="redis//***@10.0.0.5:6379": must be a redis://');
    expect(redis).not.toContain('s3cret');
    const cases: Record<string, string>[] = [
      { REDIS_URL: 'http://default:s3cret@redis.internal:6379/0' },
      { REDIS_URL: 's3cret' }, // a password pasted into the variable
      { REDIS_URL: 'redis:/:s3cret@10.0.0.5' },
      { DATABASE_URL: 'postgresql//peakops:s3cret@primary:5432/peakops' },
      { DATABASE_URL: 'mysql://peakops:p@ss/w?rd-s3cret@db/x' }, // unescaped @ / ? in the password
      { DATABASE_URL: 'jdbc:postgresql://db/peakops?user=peakops&password=s3cret' },
      { DATABASE_URL: 'postgres://peakops:ok@primary/peakops', DATABASE_READ_URL: 'postgres:/replica/peakops?sslpassword=s3cret' },
    ];
    for (const source of cases) {
      const message = messageOf(source);
      expect(message).toMatch(/(?:DATABASE_URL|DATABASE_READ_URL|REDIS_URL)="[^"]*": must be a/);
      expect(message).not.toContain('s3cret');
    }
    expect(messageOf({ DATABASE_URL: 'mysql://peakops:s3cret@db:3306/x?ssl=true' })).toContain('DATABASE_URL="mysql://***@db:3306/x?ssl=***"');
    // Settings that only look like secrets by a word in their name are still shown.
    expect(messageOf({ ACCESS_TOKEN_TTL_SECONDS: '1h' })).toContain('ACCESS_TOKEN_TTL_SECONDS="1h"');
  });

  it('takes a read replica only beside a PostgreSQL primary, and never echoes its credentials', () => {
    const primary = 'postgres://peakops:secret@primary/peakops';
    const replica = 'postgres://peakops:secret@replica/peakops';
    expect(parseEnv({ DATABASE_URL: primary, DATABASE_READ_URL: replica }).DATABASE_READ_URL).toBe(replica);
    expect(() => parseEnv({ DATABASE_READ_URL: replica })).toThrow('DATABASE_READ_URL="postgres://***@replica/peakops": needs DATABASE_URL');
    let message = '';
    try {
      parseEnv({ DATABASE_URL: primary, DATABASE_READ_URL: 'mysql://root:secret@replica/x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/DATABASE_READ_URL="mysql:\/\/\*\*\*@replica\/x": must be a postgres/);
    expect(message).not.toMatch(/secret/);
  });
});
