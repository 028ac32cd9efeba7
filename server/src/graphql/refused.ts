import { GraphQLError } from 'graphql';
import type { Words } from '../errors.js';

/**
 * A failure the server words itself outside any payload (no credential, the bucket empty, a field the
 * credential may not read, a bad cursor): `message` in English, as partners were promised, and the same
 * words in Chinese as `extensions.messageZh`, where the zh-CN console reads a masked domain error's.
 */
export function refused(code: string, words: Words, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(words.en, { extensions: { code, messageZh: words.zh, ...extensions } });
}
