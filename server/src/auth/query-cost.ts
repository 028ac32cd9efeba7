import { Kind, getOperationAST, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import { MAX_PAGE } from '../db/paginate.js';
import { fixedPerDocument } from './fixed-answers.js';

/**
 * The cost a request is charged against its credential's bucket, Shopify-style: every object or list
 * field costs 1, a connection multiplies what is beneath it by the page size asked for (`first`/`last`,
 * default 20; at most MAX_PAGE, the rows a connection serves a page), scalars are free but a connection's `totalCount` (TOTAL_COUNT_COST), and the bulk mutations
 * cost one point per item: `ingestEvents` per event, `recordMarketingSpend` and `voidMarketingSpend` per entry. Computed from the document and its variables before
 * execution (the walk is linear in the document, which the token limit bounds).
 */
const DEFAULT_PAGE = 20;
/**
 * A connection's `totalCount` counts every row the caller may see under its filter — all 10M orders of an
 * installation — where a page reads at most 100. At 1 point, 20 aliased counts cost 20 and a key could keep
 * the pool's connections scanning; priced as a thousand rows, a key's bucket (+10,000/s) pays for ten a second.
 */
export const TOTAL_COUNT_COST = 1_000;
const PAGE_ARGS = new Set(['first', 'last', 'limit']);
/** Bulk mutations and the list in their input that is charged per item. */
const BULK_FIELDS: Record<string, string> = { ingestEvents: 'events', recordMarketingSpend: 'entries', voidMarketingSpend: 'entries' };

function numberArg(value: ValueNode, variables: Record<string, unknown>): number | null {
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'number' ? v : null;
  }
  return null;
}

function listLength(value: ValueNode, variables: Record<string, unknown>): number {
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return Array.isArray(v) ? v.length : 1;
  }
  return 1;
}

/** Costs of documents without variables, which cannot change between requests (Yoga reuses the parsed document). */
const fixedCosts = new WeakMap<DocumentNode, Map<string, number>>();

export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> = {},
): number {
  return fixedPerDocument(fixedCosts, document, operationName, () => {
    const operation = getOperationAST(document, operationName);
    return operation ? computeCost(schema, document, operation, variables) : 1;
  });
}

function computeCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  const mutationFields = operation.operation === 'mutation' ? schema.getMutationType()?.getFields() : undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) total += walk(selection.selectionSet);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) {
          seen.add(fragment.name.value);
          total += walk(fragment.selectionSet);
          seen.delete(fragment.name.value);
        }
      } else if (!selection.selectionSet) {
        if (selection.name.value === 'totalCount') total += TOTAL_COUNT_COST;
      } else {
        let pageSize = 1;
        let isConnection = false;
        // A Relay connection (edges or pageInfo asked for) serves at most MAX_PAGE rows whatever `first` asks.
        const pageCap = selection.selectionSet.selections.some((s) => s.kind === Kind.FIELD && (s.name.value === 'edges' || s.name.value === 'pageInfo')) ? MAX_PAGE : Infinity;
        for (const arg of selection.arguments ?? []) {
          if (PAGE_ARGS.has(arg.name.value)) {
            const asked = numberArg(arg.value, variables) ?? DEFAULT_PAGE;
            pageSize = Math.max(pageSize, arg.name.value === 'limit' ? asked : Math.min(asked, pageCap));
            isConnection = true;
          } else if (arg.name.value === 'ids') {
            // nodes(ids:) resolves each id as a page resolves each row.
            pageSize = Math.max(pageSize, listLength(arg.value, variables));
            isConnection = true;
          }
        }
        const inner = walk(selection.selectionSet);
        // A connection's count is one statement whatever the page size: not multiplied by it.
        const counts = TOTAL_COUNT_COST * selection.selectionSet.selections.filter((s) => s.kind === Kind.FIELD && s.name.value === 'totalCount').length;
        // A connection's edges and nodes are paid for by the connection's page size above.
        if ((selection.name.value === 'edges' || selection.name.value === 'nodes') && !isConnection) total += inner;
        else total += 1 + (isConnection ? pageSize : 1) * (inner - counts) + counts;
        const bulkList = BULK_FIELDS[selection.name.value];
        const bulkField = bulkList ? mutationFields?.[selection.name.value] : undefined;
        if (bulkList && bulkField) {
          const { input } = getArgumentValues(bulkField, selection, variables) as { input?: Record<string, unknown> };
          const items = input?.[bulkList];
          total += Array.isArray(items) ? items.length : 0;
        }
      }
    }
    return total;
  };
  return Math.max(1, walk(operation.selectionSet));
}
