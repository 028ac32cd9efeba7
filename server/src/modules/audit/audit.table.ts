import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { id, instant } from '../../db/columns.js';

/**
 * Append-only record of every mutation and sign-in. A trigger (migration 0004) refuses UPDATE and
 * DELETE, so not even a bug in our own code can rewrite history.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    at: instant().notNull().defaultNow(),
    /** `user:<id>`, `key:<id>`, `admin-key`, `anonymous`. */
    principalId: text().notNull(),
    principalKind: text().notNull(),
    principalName: text().notNull(),
    keyPrefix: text(),
    operation: text().notNull(),
    affectedIds: text().array().notNull(),
    /** The input with passwords, secrets and tokens replaced by "[redacted]". */
    input: jsonb().notNull(),
    sourceAddress: text(),
    /** OK, REJECTED (userErrors), ERROR (a GraphQL error), DENIED (not allowed). */
    outcome: text({ enum: ['OK', 'REJECTED', 'ERROR', 'DENIED'] }).notNull(),
    /** The first userError or error code, when the outcome is not OK. */
    code: text(),
  },
  (t) => [index('audit_log_at_idx').on(t.at, t.id), index('audit_log_principal_idx').on(t.principalId, t.at)],
);

export type AuditRow = typeof auditLog.$inferSelect;
