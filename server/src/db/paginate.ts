import { PothosValidationError } from '@pothos/core';
import { parseCursorConnectionArgs } from '@pothos/plugin-relay';
import { asc, desc, sql, type Column, type SQL } from 'drizzle-orm';
import { isCalendarDate } from '../lib/time.js';
import { isUuid } from '../lib/uuid.js';
import { refused } from '../graphql/refused.js';
import type { Words } from '../errors.js';

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/**
 * Keyset pagination on (sort column, id): stable under inserts and O(page) at any depth, which
 * offset pagination over millions of orders is not.
 */
export interface KeysetOrder<Row> {
  column: Column;
  /** SQL type of the sort column, used to cast the cursor value back. */
  type: 'timestamptz' | 'text' | 'date';
  direction: 'asc' | 'desc';
  value: (row: Row) => Date | string;
  idColumn: Column;
  id: (row: Row) => string;
}

export interface PageQuery {
  /** Extra WHERE condition for the cursor bounds; undefined on the first page. */
  bounds: SQL | undefined;
  orderBy: SQL[];
  limit: number;
}

export const MAX_PAGE = 100;

/**
 * Both `first` and `last` at once is refused: the keyset query reads one end of the list, so one of them
 * would be ignored. A page asked for beyond MAX_PAGE is served MAX_PAGE rows with `hasNextPage` (Relay's
 * signal that the list goes on) and charged for those (auth/query-cost.ts), not refused: partners already
 * page that way. Checked by the access gate before the request is priced (auth/page-arguments.ts) and here.
 */
export function connectionPageProblem(args: { first?: unknown; last?: unknown }): Words | null {
  if (args.first != null && args.last != null) return { en: 'pass first or last, not both', zh: 'first 和 last 只能传一个' };
  return null;
}

export interface Page<Row> {
  edges: { cursor: string; node: Row }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor?: string | null; endCursor?: string | null };
  totalCount: () => Promise<number>;
}

export async function paginate<Row>(
  args: ConnectionArgs,
  order: KeysetOrder<Row>,
  fetchPage: (query: PageQuery) => Promise<Row[]>,
  count: () => Promise<number>,
): Promise<Page<Row>> {
  // As Pothos's resolveCursorConnection, with cursors encoded only when asked for (LazyEdge).
  const { before, after, limit, inverted, expectedSize, hasPreviousPage, hasNextPage } = connectionArgs(args);
  const conditions = [
    after ? boundary(order, 'after', after) : undefined,
    before ? boundary(order, 'before', before) : undefined,
  ].filter((c): c is SQL => c !== undefined);
  const forward = order.direction === 'asc' ? !inverted : inverted;
  const dir = forward ? asc : desc;
  const rows = await fetchPage({
    bounds: conditions.length > 0 ? sql.join(conditions, sql` and `) : undefined,
    orderBy: [dir(order.column), dir(order.idColumn)],
    limit,
  });
  const trimmed = rows.slice(0, expectedSize);
  if (inverted) trimmed.reverse();
  const encode = (row: Row) => encodeCursor(order.value(row), order.id(row));
  const edges = trimmed.map((row) => new LazyEdge(row, encode));
  const given = args.after ?? args.before ?? '';
  return {
    edges,
    pageInfo: {
      get startCursor() {
        return edges[0]?.cursor ?? given;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? given;
      },
      hasPreviousPage: hasPreviousPage(rows.length),
      hasNextPage: hasNextPage(rows.length),
    },
    totalCount: count,
  };
}

/**
 * Pothos refuses a negative `first` or `last` with an error that carries no code: it is the caller's
 * argument, so it is bad input, with Pothos' message.
 */
function connectionArgs(args: ConnectionArgs) {
  const problem = connectionPageProblem(args);
  if (problem) throw refused('BAD_USER_INPUT', problem);
  try {
    return parseCursorConnectionArgs({
      args: { first: args.first, last: args.last, after: args.after, before: args.before },
      defaultSize: 20,
      maxSize: MAX_PAGE,
    });
  } catch (error) {
    if (error instanceof PothosValidationError) throw refused('BAD_USER_INPUT', { en: error.message, zh: `分页参数无效：${error.message}` });
    throw error;
  }
}

/**
 * An edge whose cursor is encoded the first time it is read: a partner polling the first page rarely
 * asks for cursors, and encoding all of them (JSON, base64) was ~1.5 % of the server's CPU on the orders page.
 */
class LazyEdge<Row> {
  #cursor: string | undefined;
  constructor(
    readonly node: Row,
    private readonly encode: (row: Row) => string,
  ) {}
  get cursor(): string {
    return (this.#cursor ??= this.encode(this.node));
  }
}

function boundary<Row>(order: KeysetOrder<Row>, side: 'after' | 'before', cursor: string): SQL {
  const [value, id] = decodeCursor(cursor, order.type);
  const later = (side === 'after') === (order.direction === 'asc');
  const op = later ? sql`>` : sql`<`;
  return sql`(${order.column}, ${order.idColumn}) ${op} (${value}::${sql.raw(order.type)}, ${id}::uuid)`;
}

function encodeCursor(value: Date | string, id: string): string {
  const v = value instanceof Date ? value.toISOString() : value;
  return Buffer.from(JSON.stringify([v, id])).toString('base64url');
}

/**
 * ISO 8601 as toISOString writes it, seconds and fraction optional. The offset is not: without one
 * PostgreSQL would read the time in its session's zone, a different instant on another server.
 */
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)$/;

/**
 * A cursor's value is cast to its column's type in SQL, where a value PostgreSQL cannot read fails the
 * whole statement (22007, 22P02): each type's values are checked here first, so a forged cursor is bad input.
 */
const CURSOR_VALUE: Record<KeysetOrder<unknown>['type'], (value: string) => boolean> = {
  timestamptz: (value) => {
    const date = ISO_INSTANT.exec(value)?.[1];
    return date !== undefined && isCalendarDate(date);
  },
  date: isCalendarDate,
  // PostgreSQL text cannot hold NUL.
  text: (value) => !value.includes('\u0000'),
};

function decodeCursor(cursor: string, type: KeysetOrder<unknown>['type']): [string, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      CURSOR_VALUE[type](parsed[0]) &&
      isUuid(parsed[1])
    ) {
      return [parsed[0], parsed[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw refused('BAD_USER_INPUT', { en: 'Invalid cursor: pass a cursor returned by this connection', zh: '游标无效：请传入本连接返回的游标' });
}
