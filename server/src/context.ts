import type { Logger } from 'pino';
import type { Viewer } from './auth/viewer.js';
import type { Db } from './db/client.js';

/** Everything a resolver may use. Built once per request (or per WebSocket operation). */
export interface Context {
  db: Db;
  viewer: Viewer;
  logger: Logger;
  /** Injected clock, so "overdue" and campaign status are testable. */
  now: () => Date;
}
