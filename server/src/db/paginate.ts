import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { asc, desc, sql, type Column, type SQL } from 'drizzle-orm';
import { GraphQLError } from 'graphql';

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

const MAX_PAGE = 100;

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
  const connection = await resolveCursorConnection(
    {
      args: { first: args.first, last: args.last, after: args.after, before: args.before },
      defaultSize: 20,
      maxSize: MAX_PAGE,
      toCursor: (row: Row) => encodeCursor(order.value(row), order.id(row)),
    },
    ({ after, before, limit, inverted }: ResolveCursorConnectionArgs) => {
      const conditions = [
        after ? boundary(order, 'after', after) : undefined,
        before ? boundary(order, 'before', before) : undefined,
      ].filter((c): c is SQL => c !== undefined);
      const forward = order.direction === 'asc' ? !inverted : inverted;
      const dir = forward ? asc : desc;
      return fetchPage({
        bounds: conditions.length > 0 ? sql.join(conditions, sql` and `) : undefined,
        orderBy: [dir(order.column), dir(order.idColumn)],
        limit,
      });
    },
  );
  return { ...(connection as Omit<Page<Row>, 'totalCount'>), totalCount: count };
}

function boundary<Row>(order: KeysetOrder<Row>, side: 'after' | 'before', cursor: string): SQL {
  const [value, id] = decodeCursor(cursor);
  const later = (side === 'after') === (order.direction === 'asc');
  const op = later ? sql`>` : sql`<`;
  return sql`(${order.column}, ${order.idColumn}) ${op} (${value}::${sql.raw(order.type)}, ${id}::uuid)`;
}

function encodeCursor(value: Date | string, id: string): string {
  const v = value instanceof Date ? value.toISOString() : value;
  return Buffer.from(JSON.stringify([v, id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string): [string, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      UUID.test(parsed[1])
    ) {
      return [parsed[0], parsed[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw new GraphQLError('Invalid cursor: pass a cursor returned by this connection', {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}
