import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.js';

describe('configuration from the environment', () => {
  it('defaults to the embedded database in ./data on port 4000', () => {
    expect(parseEnv({})).toEqual({ PORT: 4000, DATA_DIR: './data', LOG_LEVEL: 'info', NODE_ENV: 'development' });
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
