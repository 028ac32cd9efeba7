import { getOperationAST, type DocumentNode } from 'graphql';

/**
 * An answer about a document that cannot change between requests when its operation has no variables
 * (Yoga reuses the parsed document): computed once per document and operation, kept as long as the
 * document is. With variables it is computed each time. Used by the access gate's page-size and cost checks.
 */
export function fixedPerDocument<T>(
  cache: WeakMap<DocumentNode, Map<string, T>>,
  document: DocumentNode,
  operationName: string | null | undefined,
  compute: () => T,
): T {
  if (getOperationAST(document, operationName)?.variableDefinitions?.length) return compute();
  let byOperation = cache.get(document);
  if (!byOperation) cache.set(document, (byOperation = new Map()));
  const key = operationName ?? '';
  if (byOperation.has(key)) return byOperation.get(key)!;
  const answer = compute();
  byOperation.set(key, answer);
  return answer;
}
