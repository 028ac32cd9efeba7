import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './modules/shop/shop.schema.js';

export const schema = builder.toSchema();

/** The SDL as committed in schema/schema.graphql: sorted, so diffs show real changes only. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
