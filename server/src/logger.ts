import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { Env } from './env.js';
import { serializeLoggedError } from './observability/log-errors.js';

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

/** What every PeakOps logger redacts: the paths above, and the values of a failed statement (log-errors.ts). */
export const LOG_SAFETY: Pick<LoggerOptions, 'redact' | 'serializers'> = {
  redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  serializers: { err: serializeLoggedError },
};

export function createLogger(env: Pick<Env, 'LOG_LEVEL'>, destination?: DestinationStream): Logger {
  const options: LoggerOptions = { name: 'peakops', level: env.LOG_LEVEL, ...LOG_SAFETY };
  return destination ? pino(options, destination) : pino(options);
}
