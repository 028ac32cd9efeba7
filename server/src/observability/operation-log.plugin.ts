import type { IncomingMessage } from 'node:http';
import { getOperationAST, GraphQLError, parse, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
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
    for (const error of errors) logOperationError(logger, error, { operationName, phase: 'execute' });
    if (debug) logger.debug({ operationName, errors: errors.length }, 'operation executed');
  },
};

/**
 * One error of a request, on its request's logger, marked so that yogaErrorLog does not log it again
 * without the request: a refusal at info without a stack, anything else at error with it.
 */
function logOperationError(logger: Logger, error: unknown, where: { operationName: string; phase: Phase }): void {
  if (typeof error === 'object' && error !== null) loggedWithRequest.add(error);
  const refused = error instanceof Error ? refusal(error) : null;
  if (refused) {
    if (logger.isLevelEnabled('info')) logger.info({ ...refused, ...where }, 'operation refused');
    return;
  }
  const path = error instanceof GraphQLError ? error.path?.join('.') : undefined;
  const err = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  logger.error({ err, ...where, path }, 'unexpected error in an operation');
}

/** Where an error arose: building the context (the credential lookup), or executing (with every plugin's hooks around it). */
type Phase = 'context' | 'execute' | 'subscribe';

/**
 * What a request's context holds before (or without) ours being built on it: the Node request (a socket's
 * upgrade request) or the fetch Request, and the GraphQL parameters; our logger once it is built.
 */
export interface InitialContext {
  req?: IncomingMessage;
  request?: Request;
  params?: GraphQLParams;
  logger?: Logger;
}

/**
 * The operation's name, from the request's parameters: only asked when something failed, so the document
 * (which Yoga parsed already, and caches) is parsed again here rather than carried on every request.
 */
function operationNameOf(context: InitialContext): string {
  const params = context.params;
  try {
    const document = parse(params?.query ?? '');
    return getOperationAST(document, params?.operationName)?.name?.value ?? 'Anonymous';
  } catch {
    return params?.operationName ?? 'Anonymous';
  }
}

/**
 * Log lines of an operation carry its request id (the context's logger is a child with it, app.ts):
 * unexpected errors at `error`, before Yoga masks them; refusals the caller caused at `info`, one line
 * without a stack; every query and mutation at `debug`
 * (LOG_LEVEL=debug), to follow one request through the logs. Must precede Yoga's own masking, which
 * comes after every plugin in the list.
 *
 * Errors that reject the operation instead of landing in its result are logged with the request too: a
 * context that could not be built (the credential lookup when the database is away, before anything
 * executes) and an execution that a plugin's hook failed (the audit row of a mutation, written around
 * it). `requestLogger` gives the request's logger when its context, which holds one, was not built.
 */
export function useOperationLog(options: { requestLogger: (context: InitialContext) => Logger }): Plugin {
  const logFailure = (context: InitialContext, phase: Phase, error: unknown) =>
    logOperationError(context.logger ?? options.requestLogger(context), error, { operationName: operationNameOf(context), phase });
  /** Logs an error that rejects `run` (an execute or subscribe with every plugin's hooks around it), then lets it go on to Yoga, which masks it and skips it in yogaErrorLog. */
  const whenItFails = (context: InitialContext, phase: Phase, run: () => void | Promise<void>): void | Promise<void> => {
    let running: void | Promise<void>;
    try {
      running = run();
    } catch (error) {
      logFailure(context, phase, error);
      throw error;
    }
    if (!running) return;
    return running.then(undefined, (error: unknown) => {
      logFailure(context, phase, error);
      throw error;
    });
  };
  return {
    onPluginInit({ registerContextErrorHandler }) {
      registerContextErrorHandler(({ context, error }) => logFailure(context as InitialContext, 'context', error));
    },
    onExecute: () => ON_DONE,
    instrumentation: {
      execute: ({ context }, run) => whenItFails(context, 'execute', run),
      subscribe: ({ context }, run) => whenItFails(context, 'subscribe', run),
    },
  };
}
