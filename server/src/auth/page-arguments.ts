import {
  GraphQLError,
  Kind,
  getNamedType,
  getOperationAST,
  isInterfaceType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { connectionPageProblem } from '../db/paginate.js';
import { fixedPerDocument } from './fixed-answers.js';
import type { Words } from '../errors.js';
import { PAGE_SIZES_EXTENSION, pageSizeProblem, type PageSizeBound } from '../lib/page-size.js';

/**
 * Page sizes the fields would refuse anyway (a connection's first/last over 100 or both at once, a
 * field's declared `extensions.pageSizes`), refused before the request is priced: the cost multiplies by
 * the size asked for, so `topProducts(limit: 100000)` would otherwise be told it costs 100,002 points
 * instead of the rule it breaks. Runs on the document and its variables only (no resolver), with the same
 * words the field's service uses. Linear in the document, which the token limit bounds.
 */
export function pageArgumentRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> = {},
): GraphQLError | null {
  return fixedPerDocument(fixedAnswers, document, operationName, () => check(schema, document, operationName, variables));
}

const fixedAnswers = new WeakMap<DocumentNode, Map<string, GraphQLError | null>>();

function check(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>): GraphQLError | null {
  const operation = getOperationAST(document, operationName);
  const root = operation ? schema.getRootType(operation.operation) : null;
  if (!operation || !root) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType | undefined): GraphQLError | null => {
    for (const selection of set.selections) {
      let found: GraphQLError | null = null;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        found = walk(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) {
          seen.add(fragment.name.value);
          found = walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
          seen.delete(fragment.name.value);
        }
      } else {
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        if (!field) continue;
        found = fieldRefusal(field, selection, variables);
        if (!found && selection.selectionSet) found = walk(selection.selectionSet, getNamedType(field.type));
      }
      if (found) return found;
    }
    return null;
  };
  return walk(operation.selectionSet, root);
}

/** The argument's value as the resolver will see it: the literal, the variable's, else the default. */
function argumentValue(field: GraphQLField<unknown, unknown>, node: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const given = node.arguments?.find((a) => a.name.value === name)?.value;
  if (given?.kind === Kind.INT) return Number(given.value);
  if (given?.kind === Kind.NULL) return null;
  if (given?.kind === Kind.VARIABLE && variables[given.name.value] !== undefined) return variables[given.name.value];
  return field.args.find((a) => a.name === name)?.defaultValue;
}

/** A Relay connection: a page of edges with its pageInfo, sized by first/last (db/paginate.ts). */
function isConnection(field: GraphQLField<unknown, unknown>): boolean {
  const type = getNamedType(field.type);
  return isObjectType(type) && 'pageInfo' in type.getFields() && field.args.some((a) => a.name === 'first' || a.name === 'last');
}

function fieldRefusal(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): GraphQLError | null {
  if (isConnection(field)) {
    const problem = connectionPageProblem({ first: argumentValue(field, node, 'first', variables), last: argumentValue(field, node, 'last', variables) });
    if (problem) return refusal(node, problem);
  }
  const bounds = field.extensions[PAGE_SIZES_EXTENSION] as readonly PageSizeBound[] | undefined;
  for (const bound of bounds ?? []) {
    const value = argumentValue(field, node, bound.argument, variables);
    // null or absent: the resolver's own default applies, which is within its bounds.
    if (typeof value !== 'number') continue;
    const problem = pageSizeProblem(bound, value);
    if (problem) return refusal(node, problem, 'INVALID_INPUT');
  }
  return null;
}

/**
 * As the field's own refusal reads once masked (graphql/mask-error.ts): BAD_USER_INPUT with the domain
 * reason and the Chinese; HTTP 400, as a document Armor refuses, since nothing ran.
 */
function refusal(node: FieldNode, words: Words, reason?: string): GraphQLError {
  return new GraphQLError(words.en, {
    nodes: node,
    extensions: { code: 'BAD_USER_INPUT', ...(reason ? { reason } : {}), messageZh: words.zh, http: { status: 400 } },
  });
}
