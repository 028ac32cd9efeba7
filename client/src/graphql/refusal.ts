import type { CombinedError } from '@urql/core';
import type { Locale } from '../i18n/messages';

/**
 * Why the server refused, as it words it: English, and the Chinese it writes beside it (userErrors'
 * `message(locale: ZH_CN)`, an expected failure's `extensions.messageZh`). Null where it gave none, for
 * example a fault it masks.
 */
export interface Refusal {
  message: string;
  messageZh: string | null;
}

/** The refusal in the viewer's language: the server's Chinese on a Chinese screen, its English otherwise. */
export const refusalIn = (refusal: Refusal, locale: Locale): string => (locale === 'zh-CN' && refusal.messageZh) || refusal.message;

/** The Chinese of the first GraphQL error that has one (an expected failure outside a payload). */
export function errorZh(error: CombinedError | undefined): string | null {
  const zh = error?.graphQLErrors.find((e) => typeof e.extensions?.messageZh === 'string')?.extensions.messageZh;
  return typeof zh === 'string' ? zh : null;
}

/** A payload's first userError, or the GraphQL error, as a Refusal. */
export function refusalOf(
  error: CombinedError | undefined,
  userError: { message: string; messageZh?: string | null } | undefined,
): Refusal {
  if (userError) return { message: userError.message, messageZh: userError.messageZh ?? null };
  return { message: error?.message ?? '', messageZh: errorZh(error) };
}

/** A query's error in the viewer's language: the server's Chinese of an expected failure, else its message. */
export const errorIn = (error: CombinedError, locale: Locale): string => refusalIn(refusalOf(error, undefined), locale);
