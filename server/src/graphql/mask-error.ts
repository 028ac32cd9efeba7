import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError, type YogaServerOptions } from 'graphql-yoga';
import { DomainError, InputErrors, transportClassOf } from '../errors.js';

type MaskError = NonNullable<Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean | undefined>['maskError']>;

/**
 * Domain errors raised outside a mutation payload (a query with a bad window, say) are expected
 * failures: show their message with BAD_USER_INPUT. Everything else gets Yoga's masking.
 */
export const maskError: MaskError = (error, message, isDev) => {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof DomainError || original instanceof InputErrors) {
    const reason = original instanceof DomainError ? original.code : original.errors[0]?.code;
    return new GraphQLError(original.message, {
      nodes: error instanceof GraphQLError ? error.nodes : undefined,
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: transportClassOf(reason).code, reason },
    });
  }
  return yogaMaskError(error, message, isDev);
};
