import { pino, type Logger } from 'pino';
import type { Env } from './env.js';

export function createLogger(env: Pick<Env, 'LOG_LEVEL'>): Logger {
  return pino({ name: 'peakops', level: env.LOG_LEVEL });
}
