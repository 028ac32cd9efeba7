import { sql } from 'drizzle-orm';
import type { Tx } from './client.js';
import { hasSqlState } from './errors.js';

/**
 * Every statement on the server's PostgreSQL pools runs under STATEMENT_TIMEOUT_MS (a session setting
 * of each connection), so a partner's pathological query, or a request stuck behind a lock, gives its
 * connection back instead of holding one of the pool's few for as long as it likes.
 *
 * Work that is long by nature lifts the bound for its own transaction only: the history job's month
 * moves, drops and key deletes (a Double 11 hour is millions of keys), and the demo's load, which a
 * second instance waits for on an advisory lock. `SET LOCAL` ends with the transaction, so the
 * connection goes back to the pool bounded again.
 */
export async function liftStatementTimeout(tx: Tx): Promise<void> {
  await tx.execute(sql`set local statement_timeout = 0`);
}

/**
 * PostgreSQL's query_canceled. By the code alone: the message is in the server's lc_messages (a server
 * set up in Chinese says 由于语句执行超时…), and nothing in this server cancels its own queries.
 */
export function isStatementTimeout(error: unknown): boolean {
  return hasSqlState(error, '57014');
}

/** What a caller is told, on GraphQL (graphql/mask-error.ts) and on the export routes (http/exports.ts) alike. */
export const STATEMENT_TIMEOUT_FAILURE = {
  code: 'TIMEOUT',
  message: 'the database stopped a statement that ran past the time this server allows (STATEMENT_TIMEOUT_MS); its transaction was rolled back',
  messageZh: '数据库中止了一条超过本服务器允许时长（STATEMENT_TIMEOUT_MS）的语句，其事务已回滚',
} as const;

/** The session setting for a pool's connections: none when 0 (tools, benchmarks and tests that load in bulk). */
export function statementTimeoutSession(ms: number | undefined): { statement_timeout?: number } {
  return ms ? { statement_timeout: ms } : {};
}
