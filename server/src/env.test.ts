import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.js';

describe('configuration from the environment', () => {
  it('defaults to the embedded database in ./data on port 4000', () => {
    expect(parseEnv({})).toEqual({ PORT: 4000, DATA_DIR: './data', LOG_LEVEL: 'info', NODE_ENV: 'development', SIMULATOR_RATE: 5, TICK_MS: 1000, LIVE_HEARTBEAT_MS: 5000, LIVE_SHARE_TOPICS: true });
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

  it('names a bad DATABASE_URL without echoing it, since it may hold a password', () => {
    let message = '';
    try {
      parseEnv({ DATABASE_URL: 'mysql://root:secret@db/x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/DATABASE_URL: must be a postgres/);
    expect(message).not.toMatch(/secret/);
  });
});
