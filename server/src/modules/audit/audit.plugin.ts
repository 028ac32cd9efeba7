import type { Plugin } from 'graphql-yoga';
import { getArgumentValues } from 'graphql/execution/values.js';
import {
  getNamedType,
  getOperationAST,
  isObjectType,
  Kind,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type GraphQLError,
  type GraphQLObjectType,
  type OperationDefinitionNode,
} from 'graphql';
import type { Context } from '../../context.js';
import { recordAudit, type AuditEntry, type AuditOutcome } from './audit.service.js';

/** Every `id` string in a value: the objects a mutation touched, as far as its result and input show them. */
function collectIds(value: unknown, into: Set<string>, depth = 0) {
  if (depth > 6 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    // An ingest batch is summarised in the trail; its 5,000 events' ids are not "affected objects".
    if (value.length <= 50) for (const v of value) collectIds(v, into, depth + 1);
    return;
  }
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'id' && typeof v === 'string') into.add(v);
    else collectIds(v, into, depth + 1);
  }
}

/** Alias under which the trail reads each payload's userErrors, whatever the caller selected. */
const AUDIT_ALIAS = '__auditUserErrors';

/**
 * The document with `__auditUserErrors: userErrors { code }` added to every root mutation field whose
 * payload has userErrors, so the outcome is recorded even when the caller did not ask for it. The
 * addition is valid by construction (the field exists on the payload), and is removed from the answer.
 */
function withUserErrors(document: DocumentNode, operation: OperationDefinitionNode, mutationType: GraphQLObjectType): DocumentNode {
  const known = rewrittenDocuments.get(document)?.get(operation);
  if (known) return known;
  const rewritten = rewrite(document, operation, mutationType);
  const ofDocument = rewrittenDocuments.get(document) ?? new Map<OperationDefinitionNode, DocumentNode>();
  ofDocument.set(operation, rewritten);
  rewrittenDocuments.set(document, ofDocument);
  return rewritten;
}

/**
 * One rewritten document per parsed document and operation (Yoga caches parsed documents per query
 * string, and there is one schema): the same mutation text executes the same document object every
 * time, so the compiled executor (graphql/compiled-queries.plugin.ts, keyed on the document object)
 * compiles it once instead of once per request. Weak, so it lives no longer than the parse cache's entry.
 */
const rewrittenDocuments = new WeakMap<DocumentNode, Map<OperationDefinitionNode, DocumentNode>>();

function rewrite(document: DocumentNode, operation: OperationDefinitionNode, mutationType: GraphQLObjectType): DocumentNode {
  const selections = operation.selectionSet.selections.map((selection) => {
    if (selection.kind !== Kind.FIELD || !selection.selectionSet) return selection;
    const payload = getNamedType(mutationType.getFields()[selection.name.value]?.type);
    if (!isObjectType(payload) || !payload.getFields().userErrors) return selection;
    const extra: FieldNode = {
      kind: Kind.FIELD,
      alias: { kind: Kind.NAME, value: AUDIT_ALIAS },
      name: { kind: Kind.NAME, value: 'userErrors' },
      selectionSet: { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: 'code' } }] },
    };
    return { ...selection, selectionSet: { ...selection.selectionSet, selections: [...selection.selectionSet.selections, extra] } };
  });
  const rewritten: OperationDefinitionNode = { ...operation, selectionSet: { ...operation.selectionSet, selections } };
  return { ...document, definitions: document.definitions.map((d) => (d === operation ? rewritten : d)) };
}

/** Takes the audit's userErrors out of the answer again, returning what each field reported. */
function stripUserErrors(result: ExecutionResult): Map<string, { code?: string }[]> {
  const found = new Map<string, { code?: string }[]>();
  const data = result.data as Record<string, Record<string, unknown> | null> | null | undefined;
  for (const [key, value] of Object.entries(data ?? {})) {
    if (value && AUDIT_ALIAS in value) {
      found.set(key, (value[AUDIT_ALIAS] as { code?: string }[] | null) ?? []);
      delete value[AUDIT_ALIAS];
    }
  }
  return found;
}

function outcomeOf(responseKey: string, result: ExecutionResult, userErrors: Map<string, { code?: string }[]>): { outcome: AuditOutcome; code: string | null } {
  // A FORBIDDEN inside the answer (figures asked for without READ) comes after the mutation ran: it was not denied.
  const error = result.errors?.find((e: GraphQLError) => e.path?.[0] === responseKey && !(e.path.length > 1 && e.extensions?.code === 'FORBIDDEN'));
  if (error) {
    const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL';
    return { outcome: code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' ? 'DENIED' : 'ERROR', code };
  }
  const firstUserError = userErrors.get(responseKey)?.[0];
  if (firstUserError) return { outcome: 'REJECTED', code: firstUserError.code ?? null };
  return { outcome: 'OK', code: null };
}

/**
 * The audit trail: one append-only row per mutation field executed (sign-in attempts included), written
 * before the response leaves, so a response the caller saw always has its row.
 */
export function useAuditTrail(): Plugin<Context> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const context = args.contextValue as Context;
      const mutationType = args.schema.getMutationType();
      setExecuteFn(async (execution: ExecutionArgs) => {
        const document = mutationType ? withUserErrors(execution.document, operation, mutationType) : execution.document;
        const result = (await executeFn({ ...execution, document })) as ExecutionResult;
        const userErrors = stripUserErrors(result);
        const at = context.now();
        const entries: AuditEntry[] = [];
        for (const selection of operation.selectionSet.selections) {
          if (selection.kind !== 'Field' || selection.name.value === '__typename') continue;
          const field = mutationType?.getFields()[selection.name.value];
          if (!field) continue;
          const responseKey = selection.alias?.value ?? selection.name.value;
          let input: Record<string, unknown> = {};
          try {
            input = getArgumentValues(field, selection as FieldNode, execution.variableValues ?? {});
          } catch {
            input = { unreadable: true };
          }
          const ids = new Set<string>();
          collectIds(input, ids);
          collectIds((result.data as Record<string, unknown> | null | undefined)?.[responseKey], ids);
          entries.push({
            viewer: context.viewer,
            operation: field.name,
            affectedIds: [...ids],
            input,
            sourceAddress: context.sourceAddress,
            ...outcomeOf(responseKey, result, userErrors),
            at,
          });
        }
        await recordAudit(context.db, entries);
        return result;
      });
    },
  };
}
