import type { OutputRef } from '@pothos/core';
import { builder } from '../builder.js';
import { USER_ERROR_CODES, toUserErrors, type UserErrorShape } from '../errors.js';
import { refusalMessageField } from './locale.js';

export const UserErrorCodeEnum = builder.enumType('UserErrorCode', { values: USER_ERROR_CODES });

export const UserErrorRef = builder.objectRef<UserErrorShape>('UserError').implement({
  description: 'An expected failure of a mutation: bad input, a missing object, a broken domain rule.',
  fields: (t) => ({
    field: t.exposeStringList('field', {
      nullable: true,
      description: 'Path to the offending input field, starting at "input".',
    }),
    message: t.string(refusalMessageField),
    code: t.expose('code', { type: UserErrorCodeEnum }),
  }),
});

export interface Payload<T> {
  result: T | null;
  userErrors: UserErrorShape[];
}

/** `<Name>Payload { <field>: T, userErrors: [UserError!]! }`, the shape every mutation returns. */
export function payloadType<T>(name: string, field: string, ref: OutputRef<T>) {
  return builder.objectRef<Payload<T>>(name).implement({
    fields: (t) => ({
      [field]: t.field({
        type: ref,
        nullable: true,
        // Pothos cannot evaluate its resolver-result type for a generic T; the ref guarantees the shape.
        resolve: (payload) => payload.result as never,
      }),
      userErrors: t.field({ type: [UserErrorRef], resolve: (payload) => payload.userErrors }),
    }),
  });
}

/** Runs a service call; expected domain failures become userErrors, anything else propagates. */
export async function asPayload<T>(work: () => Promise<T>): Promise<Payload<T>> {
  try {
    return { result: await work(), userErrors: [] };
  } catch (error) {
    const userErrors = toUserErrors(error);
    if (userErrors) return { result: null, userErrors };
    throw error;
  }
}
