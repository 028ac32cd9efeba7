import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * graphql-js' own scalars (Int, Float, String, Boolean, ID) refuse a value with a message and no code,
 * where ours (DateTime, Date, Decimal: graphql/scalars.ts) say BAD_USER_INPUT and the Chinese. They
 * cannot be replaced, so their refusals are recognised by graphql-js' wording (graphql/type/scalars.js)
 * and given the same extensions: a variable's by maskError, a literal's by useBuiltInScalarRefusals.
 */
const REFUSALS: readonly [RegExp, (got: string) => string][] = [
  [/^Int cannot represent non 32-bit signed integer value: ([\s\S]*)$/, (got) => `Int 必须是 -2147483648 到 2147483647 之间的整数；收到 ${got}`],
  [/^Int cannot represent non-integer value: ([\s\S]*)$/, (got) => `Int 必须是整数；收到 ${got}`],
  [/^Float cannot represent non numeric value: ([\s\S]*)$/, (got) => `Float 必须是数字；收到 ${got}`],
  [/^String cannot represent a non string value: ([\s\S]*)$/, (got) => `String 必须是字符串；收到 ${got}`],
  [/^Boolean cannot represent a non boolean value: ([\s\S]*)$/, (got) => `Boolean 必须是 true 或 false；收到 ${got}`],
  [/^ID cannot represent (?:a non-string and non-integer )?value: ([\s\S]*)$/, (got) => `ID 必须是字符串或整数；收到 ${got}`],
];

/** The Chinese of a built-in scalar's refusal of an input, or null for any other message. */
export function builtInScalarRefusalZh(message: string): string | null {
  for (const [pattern, zh] of REFUSALS) {
    const match = pattern.exec(message);
    if (match) return zh(match[1]!);
  }
  return null;
}

/**
 * A literal a built-in scalar refuses (`first: 3000000000`) is a validation error, which Yoga's error
 * masking never sees; Yoga would give it GRAPHQL_VALIDATION_FAILED. It gets what an inline Date that is
 * no day gets instead. Other validation errors keep Yoga's code.
 */
export function useBuiltInScalarRefusals(): Plugin {
  return {
    onValidate() {
      return ({ valid, result }) => {
        if (valid) return;
        for (const error of result) {
          if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) continue;
          const messageZh = builtInScalarRefusalZh(error.message);
          // GraphQLError's extensions is a plain object, amended in place as Yoga's own validation plugin does.
          if (messageZh) Object.assign(error.extensions, { code: 'BAD_USER_INPUT', messageZh });
        }
      };
    },
  };
}
