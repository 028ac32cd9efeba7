import { and, inArray, isNull } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { FAILURES_BEFORE_UNHEALTHY } from '../observability/health.js';
import { apiKeys } from '../modules/api-key/api-key.table.js';
import { sessions, users } from '../modules/user/user.table.js';
import { isUuid } from '../lib/uuid.js';

/** Ids per statement: a few thousand sockets' credentials stay far from PostgreSQL's parameter limit. */
const CHUNK = 1_000;
const TABLES = {
  key: { table: apiKeys, valid: isNull(apiKeys.revokedAt), id: apiKeys.id },
  session: { table: sessions, valid: isNull(sessions.revokedAt), id: sessions.id },
  user: { table: users, valid: isNull(users.disabledAt), id: users.id },
} as const;

/**
 * Which of these revocation ids (`key:<id>`, `session:<id>`, `user:<id>`) no longer stand: the key or
 * session revoked or deleted, the user disabled or deleted. One statement per kind and thousand ids,
 * however many sockets hold them.
 */
export async function revokedAmong(db: Db, revocationIds: readonly string[]): Promise<string[]> {
  const revoked: string[] = [];
  const byKind = new Map<keyof typeof TABLES, string[]>();
  for (const revocationId of revocationIds) {
    const [kind, id] = revocationId.split(':', 2) as [string, string];
    if (!(kind in TABLES)) continue;
    // Not an id any row could have: nothing stands behind it (and one such id must not fail the statement for all).
    if (!isUuid(id)) {
      revoked.push(revocationId);
      continue;
    }
    const ids = byKind.get(kind as keyof typeof TABLES) ?? [];
    ids.push(id);
    byKind.set(kind as keyof typeof TABLES, ids);
  }
  for (const [kind, ids] of byKind) {
    const { table, valid, id } = TABLES[kind];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const standing = new Set((await db.select({ id }).from(table).where(and(inArray(id, chunk), valid))).map((row) => row.id));
      for (const asked of chunk) if (!standing.has(asked)) revoked.push(`${kind}:${asked}`);
    }
  }
  return revoked;
}

export interface RevocationSweep {
  /** One sweep now (tests); the timer runs them every `everyMs`. */
  sweep(): Promise<void>;
  healthy(): boolean;
  /** Stops the timer; resolves once a sweep in flight has finished (before the database closes). */
  stop(): Promise<void>;
}

/**
 * Open sockets' credentials checked against the database every `everyMs`. A revocation normally closes
 * them at once through the `auth:revoked` notice; a notice can be lost (Redis unreachable while another
 * instance revoked, an instance restarted mid-publish), and a socket, unlike a request, is never
 * authenticated again. The sweep bounds how long a revoked or disabled credential stays connected,
 * whatever happened to the notice.
 */
export function startRevocationSweep(options: {
  db: Db;
  logger: Logger;
  everyMs: number;
  /** The distinct revocation ids the open sockets hold. */
  held: () => string[];
  revoke: (revocationIds: string[]) => void;
}): RevocationSweep {
  let failures = 0;
  let running: Promise<void> | null = null;
  const sweep = () =>
    (running ??= (async () => {
      try {
        const held = options.held();
        const revoked = held.length === 0 ? [] : await revokedAmong(options.db, held);
        failures = 0;
        if (revoked.length > 0) {
          options.logger.warn({ revoked }, 'closing sockets whose credential was revoked without a notice reaching this instance');
          options.revoke(revoked);
        }
      } catch (error) {
        failures++;
        options.logger.error({ err: error, failuresInARow: failures }, 'revocation sweep failed');
      }
      // Cleared once stored: a sweep with no socket open finishes without awaiting, and a `finally` inside
      // ran before `??=` stored the settled promise, which then stopped every later sweep.
    })().finally(() => {
      running = null;
    }));
  const timer = setInterval(() => void sweep(), options.everyMs);
  timer.unref();
  return {
    sweep,
    healthy: () => failures < FAILURES_BEFORE_UNHEALTHY,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
