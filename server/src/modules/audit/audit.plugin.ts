import type { Plugin } from 'graphql-yoga';
import { getArgumentValues } from 'graphql/execution/values.js';
import { getOperationAST, type ExecutionArgs, type ExecutionResult, type FieldNode, type GraphQLError } from 'graphql';
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

function outcomeOf(responseKey: string, result: ExecutionResult): { outcome: AuditOutcome; code: string | null } {
  const error = result.errors?.find((e: GraphQLError) => e.path?.[0] === responseKey);
  if (error) {
    const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL';
    return { outcome: code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' ? 'DENIED' : 'ERROR', code };
  }
  const payload = (result.data as Record<string, { userErrors?: { code?: string }[] } | null> | null | undefined)?.[responseKey];
  const firstUserError = payload?.userErrors?.[0];
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
        const result = (await executeFn(execution)) as ExecutionResult;
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
            ...outcomeOf(responseKey, result),
            at,
          });
        }
        await recordAudit(context.db, entries);
        return result;
      });
    },
  };
}
