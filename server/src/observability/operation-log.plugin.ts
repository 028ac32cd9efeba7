import { getOperationAST, GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { maskError } from '../graphql/mask-error.js';

/**
 * Errors this plugin already logged with their request's id. Yoga logs every error it masks through the
 * app-wide logger, which knows no request; yogaErrorLog skips those, so each error is logged once, with
 * the id the caller got in X-Request-Id.
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
    // A live stream refused (a foreign shop, a bad window) is the caller's, as a refused query is.
    const refused = args.length === 1 && first instanceof Error ? refusal(first) : null;
    if (refused) logger.info(refused, 'operation refused');
    else if (args.length === 1 && first instanceof Error) logger.error({ err: first }, 'graphql-yoga error');
    else logger.error({ args }, 'graphql-yoga error');
  };
}

const MASKED = 'Unexpected error.';

/**
 * What the caller is told when an error is theirs (a FORBIDDEN, a bad id, an input refused): logged at
 * info, without a stack, as the answer they got. Null for an error Yoga masks (graphql/mask-error.ts): a
 * bug or an outage, logged at error with its stack.
 */
function refusal(error: Error): { code: unknown; reason?: unknown; message: string; path?: string } | null {
  const masked = maskError(error, MASKED, false);
  if (!(masked instanceof GraphQLError)) return null;
  if (masked.message === MASKED || masked.extensions?.code === 'INTERNAL_SERVER_ERROR') return null;
  return { code: masked.extensions?.code, reason: masked.extensions?.reason, message: masked.message, path: masked.path?.join('.') };
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
      const refused = refusal(error);
      loggedWithRequest.add(error);
      if (refused) {
        if (logger.isLevelEnabled('info')) logger.info({ ...refused, operationName }, 'operation refused');
        continue;
      }
      logger.error({ err: error.originalError ?? error, operationName, path: error.path?.join('.') }, 'unexpected error in an operation');
    }
    if (debug) logger.debug({ operationName, errors: errors.length }, 'operation executed');
  },
};

/**
 * Log lines of an operation carry its request id (the context's logger is a child with it, app.ts):
 * unexpected errors at `error`, before Yoga masks them; refusals the caller caused at `info`, one line
 * without a stack; every query and mutation at `debug`
 * (LOG_LEVEL=debug), to follow one request through the logs. Must precede Yoga's own masking, which
 * comes after every plugin in the list.
 */
export function useOperationLog(): Plugin {
  return { onExecute: () => ON_DONE };
}
