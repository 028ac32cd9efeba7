import { and, count, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { paginate, type ConnectionArgs } from '../../db/paginate.js';
import { redactUrl } from '../../lib/redact-url.js';
import { storableText } from '../../lib/validate.js';
import { auditLog, type AuditRow } from './audit.table.js';

export type AuditOutcome = 'OK' | 'REJECTED' | 'ERROR' | 'DENIED';

export interface AuditEntry {
  viewer: Viewer;
  operation: string;
  affectedIds: string[];
  input: unknown;
  sourceAddress: string | null;
  outcome: AuditOutcome;
  code: string | null;
  at: Date;
}

/** Keys whose values never reach the audit trail (nor the logs). */
const SECRET_KEYS = /password|secret|token|authorization|credential/i;

/** A copy of the input with every secret-looking value replaced, and long lists summarised. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (Array.isArray(value)) {
    // An ingest batch of 5,000 events is summarised: the trail records that it happened, not the data.
    if (value.length > 20) return { count: value.length, first: redact(value[0], depth + 1) };
    return value.map((v) => redact(v, depth + 1));
  }
  if (value instanceof Date) return value.toISOString();
  // A refused event's id that PostgreSQL cannot store failed the trail's row, and so the answer of a batch
  // that had committed: recorded with U+FFFD in place of what cannot be stored.
  if (typeof value === 'string') return storableText(value);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        // A webhook URL can be a credential itself (an IM robot's access_token): kept, but masked.
        SECRET_KEYS.test(k) ? '[redacted]' : k === 'url' && typeof v === 'string' ? redactUrl(v) : redact(v, depth + 1),
      ]),
    );
  }
  return value;
}

export async function recordAudit(db: DbOrTx, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditLog).values(
    entries.map((e) => ({
      at: e.at,
      principalId: e.viewer.id,
      principalKind: e.viewer.kind,
      principalName: e.viewer.displayName,
      keyPrefix: e.viewer.keyPrefix ?? null,
      operation: e.operation,
      affectedIds: e.affectedIds.map(storableText),
      input: redact(e.input) ?? {},
      sourceAddress: e.sourceAddress,
      outcome: e.outcome,
      code: e.code,
    })),
  );
}

export interface AuditFilter {
  principalId?: string | null;
  operations?: string[] | null;
  outcomes?: AuditOutcome[] | null;
  from?: Date | null;
  to?: Date | null;
}

/**
 * Entries by id, for node(id:) and nodes(ids:). The trail is for an ADMIN only (auditLog and the
 * AuditEntry type need the admin scope); anyone else finds none of it, as if the ids did not exist,
 * rather than a FORBIDDEN that would confirm an entry is there.
 */
export async function loadAuditEntries(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<AuditRow[]> {
  if (ids.length === 0 || !viewer.permissions.has('ADMIN')) return [];
  return db.select().from(auditLog).where(inArray(auditLog.id, [...ids]));
}

/** Newest first, keyset-paginated on (at, id). */
export function listAudit(db: DbOrTx, filter: AuditFilter, args: ConnectionArgs) {
  const where: (SQL | undefined)[] = [
    filter.principalId ? eq(auditLog.principalId, filter.principalId) : undefined,
    filter.operations?.length ? inArray(auditLog.operation, filter.operations) : undefined,
    filter.outcomes?.length ? inArray(auditLog.outcome, filter.outcomes) : undefined,
    filter.from ? gte(auditLog.at, filter.from) : undefined,
    filter.to ? lt(auditLog.at, filter.to) : undefined,
  ];
  const condition = and(...where);
  return paginate<AuditRow>(
    args,
    { column: auditLog.at, type: 'timestamptz', direction: 'desc', value: (r) => r.at, idColumn: auditLog.id, id: (r) => r.id },
    ({ bounds, orderBy, limit }) => db.select().from(auditLog).where(and(condition, bounds)).orderBy(...orderBy).limit(limit),
    async () => (await db.select({ n: count() }).from(auditLog).where(condition))[0]?.n ?? 0,
  );
}
