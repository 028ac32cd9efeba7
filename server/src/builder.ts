import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin, { resolveNodes } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateTimeResolver } from 'graphql-scalars';
import type { Context } from './context.js';
import { MAX_PAGE } from './db/paginate.js';
import { parseDate, parseDateLiteral, parseDateTime, parseDateTimeLiteral, parseDecimal, parseDecimalLiteral } from './graphql/scalars.js';
import { isLoadableNodeType } from './graphql/node-id.js';
import { refused } from './graphql/refused.js';

/** nodes(ids:) loads its ids as a page loads its rows: no more at once than a page may hold. */
const MAX_NODES = MAX_PAGE;

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: string; Output: string };
    Decimal: { Input: string; Output: string };
  };
  /** Counted lazily: a page that does not ask for totalCount costs no count query. */
  Connection: { totalCount: () => Promise<number> };
  /** One scope per permission (auth/viewer.ts); docs/SECURITY.md has the matrix. */
  AuthScopes: { authenticated: boolean; read: boolean; ingest: boolean; manage: boolean; admin: boolean };
}>({
  // Relay first so scope checks see decoded global ids; scope-auth before the dataloader wraps resolvers.
  plugins: [RelayPlugin, ScopeAuthPlugin, DataloaderPlugin],
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: ({ viewer }) => ({
      authenticated: viewer.kind !== 'ANONYMOUS',
      read: viewer.permissions.has('READ'),
      ingest: viewer.permissions.has('INGEST'),
      manage: viewer.permissions.has('MANAGE'),
      admin: viewer.permissions.has('ADMIN'),
    }),
    unauthorizedError: (_parent, _context, info) =>
      refused('FORBIDDEN', {
        en: `Not allowed: your credential does not permit ${info.parentType.name}.${info.fieldName}`,
        zh: `无权访问：你的凭证不允许使用 ${info.parentType.name}.${info.fieldName}`,
      }),
  },
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    // An id of a type nothing is loaded as is null, as a missing row is (graphql/node-id.ts).
    nodeQueryOptions: {
      resolve: (_root, { id }, _context, info, resolveNode) => (isLoadableNodeType(info.schema, id.typename) ? resolveNode(id) : null),
    },
    nodesQueryOptions: {
      // Each id is loaded and resolved like a page's row: as many as a page may hold, and charged per id (auth/query-cost.ts).
      resolve: (_root, { ids }, context, info): Promise<unknown[]> => {
        if (ids.length > MAX_NODES) {
          throw refused('BAD_USER_INPUT', { en: `nodes takes at most ${MAX_NODES} ids; got ${ids.length}`, zh: `nodes 最多接受 ${MAX_NODES} 个 id，收到 ${ids.length} 个` });
        }
        // Pothos' own resolveNodes, as the callback it passes would ignore the list it is given and load
        // the arguments' ids; a null in the list is answered null. (The return type is written out: the
        // call names `builder`, whose type is still being inferred here.)
        return resolveNodes(builder, context, info, ids.map((id) => (isLoadableNodeType(info.schema, id.typename) ? id : null)));
      },
    },
  },
});

builder.addScalarType('DateTime', DateTimeResolver, {
  description:
    'An instant, RFC 3339 / ISO 8601 with an offset (2026-11-11T00:00:00+08:00); answered in UTC. Taken from 2000-01-01 00:00 to 9998-12-31 23:59:59.999 in Asia/Shanghai.',
  parseValue: parseDateTime,
  parseLiteral: parseDateTimeLiteral,
});
builder.scalarType('Date', {
  description: 'A calendar day in Asia/Shanghai, YYYY-MM-DD, from 2000-01-01 to 9998-12-31.',
  serialize: (value) => value,
  parseValue: parseDate,
  parseLiteral: parseDateLiteral,
});
builder.scalarType('Decimal', {
  description: 'An exact decimal as a string, e.g. "1234.50". Money is in yuan with two decimals.',
  serialize: (value) => value,
  parseValue: parseDecimal,
  parseLiteral: parseDecimalLiteral,
});

// Fail closed: reading needs READ and changing needs MANAGE unless a field states otherwise
// (ingestEvents needs INGEST, recordMarketingSpend and voidMarketingSpend INGEST or MANAGE; users and the audit trail ADMIN; viewer, signIn, refreshSession opt out).
builder.queryType({ authScopes: { read: true } });
builder.mutationType({ authScopes: { manage: true } });
builder.subscriptionType({ authScopes: { read: true } });

builder.globalConnectionField('totalCount', (t) =>
  t.int({ description: 'Number of items matching the filters, ignoring pagination.', resolve: (parent) => parent.totalCount() }),
);
