import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError, type YogaServerOptions } from 'graphql-yoga';
import { isStatementTimeout, STATEMENT_TIMEOUT_FAILURE } from '../db/statement-timeout.js';
import { DomainError, InputErrors, transportClassOf } from '../errors.js';
import { builtInScalarRefusalZh } from './built-in-scalars.js';

type MaskError = NonNullable<Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean | undefined>['maskError']>;

/**
 * Pothos' relay plugin decodes global id arguments before any resolver of ours runs, and refuses one
 * that is not a global id, or names another type (a Shop's id given to `campaign(id:)`), with an
 * error that carries no code. Both are the caller's mistake. Matched by message: Pothos raises the
 * same class for faults in the schema itself, which are not.
 */
const RELAY_ID_ERROR = /^(?:Invalid global ID: |ID: [\s\S]* is not of type: )/;

/**
 * Domain errors raised outside a mutation payload (a query with a bad window, say) are expected
 * failures: show their message with BAD_USER_INPUT, and its Chinese as `extensions.messageZh`. So are Pothos' refusals of a global id
 * and graphql-js' built-in scalars' refusals of a variable. Everything else gets Yoga's masking.
 */
export const maskError: MaskError = (error, message, isDev) => {
  const original = error instanceof GraphQLError ? error.originalError : error;
  // An expected failure keeps where it happened (the field's path) and says what it is.
  const shown = (text: string, extensions: Record<string, unknown>) =>
    new GraphQLError(text, {
      nodes: error instanceof GraphQLError ? error.nodes : undefined,
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions,
    });
  if (original instanceof DomainError || original instanceof InputErrors) {
    const reason = original instanceof DomainError ? original.code : original.errors[0]?.code;
    // Where in the input, as a payload's userErrors say it (a bulk mutation's whole-call refusals land here).
    const field = original instanceof DomainError ? original.field : original.errors[0]?.field;
    return shown(original.message, { code: transportClassOf(reason).code, reason, messageZh: original.messageZh, ...(field ? { field } : {}) });
  }
  if (original instanceof PothosValidationError && RELAY_ID_ERROR.test(original.message)) {
    return shown(original.message, { code: 'BAD_USER_INPUT', messageZh: `id 无效：${original.message}` });
  }
  // A variable graphql-js' own scalar refused (`quantity: 3000000000` for an Int): graphql-js words it
  // `Variable "$input" got invalid value …; <the scalar's refusal>` around the scalar's error. Only
  // before execution (no path): the same scalar refusing a resolver's output is our fault, not the caller's.
  if (error instanceof GraphQLError && error.path === undefined && original instanceof GraphQLError) {
    const messageZh = builtInScalarRefusalZh(original.message);
    if (messageZh) return shown(error.message, { code: 'BAD_USER_INPUT', messageZh });
  }
  // Not a fault to hide behind INTERNAL: the caller can ask for less, or retry once a lock is gone.
  if (isStatementTimeout(original)) return shown(STATEMENT_TIMEOUT_FAILURE.message, { code: STATEMENT_TIMEOUT_FAILURE.code, messageZh: STATEMENT_TIMEOUT_FAILURE.messageZh });
  return yogaMaskError(error, message, isDev);
};
