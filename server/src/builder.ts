import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin from '@pothos/plugin-relay';
import { DateTimeResolver } from 'graphql-scalars';
import type { Context } from './context.js';
import { parseDate, parseDateLiteral, parseDecimal, parseDecimalLiteral } from './graphql/scalars.js';

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
}>({
  plugins: [RelayPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
  },
});

builder.addScalarType('DateTime', DateTimeResolver, {});
builder.scalarType('Date', {
  description: 'A calendar day in Asia/Shanghai, YYYY-MM-DD.',
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

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

builder.globalConnectionField('totalCount', (t) =>
  t.int({ description: 'Number of items matching the filters, ignoring pagination.', resolve: (parent) => parent.totalCount() }),
);
