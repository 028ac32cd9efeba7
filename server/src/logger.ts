import { pino, type Logger } from 'pino';
import type { Env } from './env.js';

/** Credentials never reach the logs, wherever they sit in a logged object. */
export const REDACTED_PATHS = [
  'authorization',
  'password',
  'secret',
  'refreshToken',
  'accessToken',
  '*.authorization',
  '*.Authorization',
  '*.password',
  '*.secret',
  '*.refreshToken',
  '*.accessToken',
  'req.headers.authorization',
  'headers.authorization',
  'connectionParams.authorization',
  'variables.input.password',
  'variables.input.refreshToken',
  'variables.input.secret',
  'variables.input.url',
];

export function createLogger(env: Pick<Env, 'LOG_LEVEL'>): Logger {
  return pino({ name: 'peakops', level: env.LOG_LEVEL, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
