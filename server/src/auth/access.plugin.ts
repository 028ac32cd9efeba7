import { GraphQLError, getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { pageArgumentRefusal } from './page-arguments.js';
import { queryCost } from './query-cost.js';
import { documentId } from './trusted-documents.js';
import type { RateLimiter } from './rate-limit.js';
import { refused } from '../graphql/refused.js';

/** A sign-in costs this many times its size: 20,000 points refill at 10,000/s, so ~100 attempts a second per address at most. */
const ANONYMOUS_COST_FACTOR = 50;

/** The only operations a caller without a credential may run. */
const OPEN_FIELDS = new Set(['signIn', 'refreshSession', '__typename']);

function onlyOpenFields(document: DocumentNode, operationName: string | null | undefined): boolean {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation !== 'mutation') return false;
  return operation.selectionSet.selections.every((s) => s.kind === 'Field' && OPEN_FIELDS.has(s.name.value));
}

/** Why a screen key (`trustedDocumentsOnly`) is refused anything but the war room's own operations, GraphQL and exports alike. */
export const TRUSTED_DOCUMENTS_ONLY = {
  en: 'This key runs only the war room’s own operations (trusted documents)',
  zh: '此密钥只能执行作战室自己的操作（可信文档）',
} as const;

export function unauthenticated(): GraphQLError {
  return refused(
    'UNAUTHENTICATED',
    { en: 'A valid credential is required: send "Authorization: Bearer <API key or access token>"', zh: '需要有效的凭证：请发送 "Authorization: Bearer <API 密钥或访问令牌>"' },
    { http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
  );
}

interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

function withCost<T extends ExecutionResult>(result: T, cost: CostExtension): T {
  return { ...result, extensions: { ...result.extensions, cost } };
}

/** The cost charged to each request, for its answer's extensions (one shared hook, no closure per request). */
const costs = new WeakMap<object, CostExtension>();
const ADD_COST = {
  onExecuteDone: ({ args, result, setResult }: { args: { contextValue: object }; result: ExecutionResult | AsyncIterable<ExecutionResult>; setResult: (result: ExecutionResult) => void }) => {
    const cost = costs.get(args.contextValue);
    if (cost && !(Symbol.asyncIterator in result)) setResult(withCost(result, cost));
  },
};

const ids = new WeakMap<DocumentNode, string>();
function idOf(document: DocumentNode): string {
  let id = ids.get(document);
  if (!id) ids.set(document, (id = documentId(document)));
  return id;
}

/**
 * The gate every operation passes before it runs, over HTTP, SSE and WebSocket alike: a credential
 * (401 without one, except to sign in), then page sizes the fields refuse anyway (400), then the
 * credential's bucket (429 with Retry-After when the cost is not available yet; 400 when it is more than
 * a full bucket, which no wait makes available; nothing runs). Every priced answer carries `extensions.cost`.
 */
export function useAccessGate(limiter: RateLimiter, trustedDocuments: ReadonlySet<string>): Plugin<Context> {
  const gate = async (
    args: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variableValues?: Record<string, unknown> | null; contextValue: unknown },
    stop: (result: ExecutionResult) => void,
  ): Promise<CostExtension | null> => {
    const context = args.contextValue as Context;
    const anonymous = context.viewer.kind === 'ANONYMOUS';
    if (anonymous && !onlyOpenFields(args.document, args.operationName)) {
      stop({ errors: [unauthenticated()] });
      return null;
    }
    if (context.viewer.trustedDocumentsOnly && !trustedDocuments.has(idOf(args.document))) {
      // Yoga caches parsed documents per query string, so the id is computed once per distinct document.
      stop({ errors: [refused('FORBIDDEN', TRUSTED_DOCUMENTS_ONLY)] });
      return null;
    }
    // A page size the field refuses anyway is refused as such, before it is priced.
    const badPage = pageArgumentRefusal(args.schema, args.document, args.operationName, args.variableValues ?? {});
    if (badPage) {
      stop({ errors: [badPage] });
      return null;
    }
    const cost = queryCost(args.schema, args.document, args.operationName, args.variableValues ?? {});
    // Sign-in attempts have no credential to charge: they share a bucket per source address, on top
    // of the per-account lock, so one address cannot spray guesses across many accounts.
    const bucketId = anonymous ? `anonymous:${context.sourceAddress ?? 'unknown'}` : context.viewer.id;
    const charged = anonymous ? cost * ANONYMOUS_COST_FACTOR : cost;
    const bucket = await limiter.take(bucketId, charged);
    const extension: CostExtension = {
      requestedQueryCost: cost,
      actualQueryCost: bucket.allowed ? cost : null,
      throttleStatus: { ...limiter.policy, currentlyAvailable: bucket.currentlyAvailable },
    };
    if (!bucket.allowed) {
      const { maximumAvailable } = limiter.policy;
      // More than a full bucket never passes, however long the caller waits: a 429 with Retry-After would
      // have a client that honours it retry for ever. It is the request that is too big, as a document
      // over Armor's static cost is: BAD_USER_INPUT, HTTP 400, no Retry-After.
      const error =
        charged > maximumAvailable
          ? refused(
              'BAD_USER_INPUT',
              {
                en: `This request costs ${cost} points, more than any single request may cost (${maximumAvailable}, a full bucket): ask for smaller pages (first, last, limit), fewer nested lists or fewer events per call`,
                zh: `此请求消耗 ${cost} 点，超过单个请求的上限（${maximumAvailable}，即令牌桶的全部容量）：请减小分页（first、last、limit）、减少嵌套的列表或每次少发送一些事件`,
              },
              { http: { status: 400 } },
            )
          : refused(
              'RATE_LIMITED',
              {
                en: `Rate limited: this request costs ${cost} points and ${bucket.currentlyAvailable} are available; retry in ${bucket.retryAfterSeconds} s`,
                zh: `请求过于频繁：此请求消耗 ${cost} 点，当前可用 ${bucket.currentlyAvailable} 点；请 ${bucket.retryAfterSeconds} 秒后重试`,
              },
              { http: { status: 429, headers: { 'Retry-After': String(bucket.retryAfterSeconds) } } },
            );
      stop(withCost({ errors: [error] }, extension));
      return null;
    }
    return extension;
  };

  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const cost = await gate(args, setResultAndStopExecution);
      if (!cost) return;
      costs.set(args.contextValue as object, cost);
      return ADD_COST;
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      await gate(args, setResultAndStopExecution);
    },
  };
}
