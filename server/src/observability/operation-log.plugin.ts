import { getOperationAST, GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { maskError } from '../graphql/mask-error.js';

/**
 * Unexpected errors this plugin already logged with their request's id. Yoga logs every error it
 * masks through the app-wide logger, which knows no request; yogaErrorLog skips those, so each
 * unexpected error is logged once, with the id the caller got in X-Request-Id.
 */
const loggedWithRequest = new WeakSet<object>();

/**
 * Yoga's `logging.error`: what it logs is mostly one error it masked. Those an operation raised were
 * logged with their request already (below), so they are skipped; the rest are logged as errors —
 * pino shows an Error only as `err` (an array of them comes out as `{}`).
 */
export function yogaErrorLog(logger: Logger): (...args: unknown[]) => void {
  return (...args) => {
    const [first] = args;
    if (args.length === 1 && typeof first === 'object' && first !== null && loggedWithRequest.has(first)) return;
    if (args.length === 1 && first instanceof Error) logger.error({ err: first }, 'graphql-yoga error');
    else logger.error({ args }, 'graphql-yoga error');
  };
}

/** An error Yoga will mask (see graphql/mask-error.ts): a bug or an outage, not the caller's mistake. */
function isUnexpected(error: GraphQLError): boolean {
  return maskError(error, 'Unexpected error.', false) !== error;
}

/** One shared hook, no closure per request. */
const ON_DONE = {
  onExecuteDone({ args, result }: { args: ExecutionArgs; result: ExecutionResult | AsyncIterable<ExecutionResult> }) {
    if (Symbol.asyncIterator in result) return; // subscriptions: their errors go to the subscriber
    const logger = (args.contextValue as { logger: Logger }).logger;
    const errors = result.errors ?? [];
    const debug = logger.isLevelEnabled('debug');
    if (errors.length === 0 && !debug) return;
    const operationName = getOperationAST(args.document, args.operationName)?.name?.value ?? 'Anonymous';
    for (const error of errors) {
      if (!isUnexpected(error)) continue;
      loggedWithRequest.add(error);
      logger.error({ err: error.originalError ?? error, operationName, path: error.path?.join('.') }, 'unexpected error in an operation');
    }
    if (debug) logger.debug({ operationName, errors: errors.length }, 'operation executed');
  },
};

/**
 * Log lines of an operation carry its request id (the context's logger is a child with it, app.ts):
 * unexpected errors at `error`, before Yoga masks them; every query and mutation at `debug`
 * (LOG_LEVEL=debug), to follow one request through the logs. Must precede Yoga's own masking, which
 * comes after every plugin in the list.
 */
export function useOperationLog(): Plugin {
  return { onExecute: () => ON_DONE };
}
