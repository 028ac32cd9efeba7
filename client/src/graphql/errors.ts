import type { CombinedError } from '@urql/core';
import type { I18n } from '../i18n/i18n';
import type { Locale, MessageKey } from '../i18n/messages';
import { errorIn } from './refusal';

/** True when the server answered with a GraphQL error carrying `extensions.code` (FORBIDDEN, UNAUTHENTICATED, …). */
export function hasErrorCode(error: CombinedError | undefined, code: string): boolean {
  return error?.graphQLErrors.some((e) => e.extensions?.code === code) ?? false;
}

/** graphql-ws's Forbidden: the credential was refused at connection_init, or expired or was revoked while connected. */
export const FORBIDDEN_CLOSE = 4403;

/** A WebSocket close as graphql-ws hands it to a subscription: a CloseEvent, or its own TerminatedCloseEvent. */
export interface SocketClose {
  code: number;
  reason: string;
}

export const isSocketClose = (value: unknown): value is SocketClose =>
  typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'number' && 'reason' in value;

/** extensions.code of the error a subscription reports when the server closed its socket for good. */
const SOCKET_CLOSED = 'SOCKET_CLOSED';

/**
 * The GraphQL error a subscription reports for a socket closed with a code graphql-ws does not retry
 * (4429, 4500, …). The code is kept apart from the message, so the screen can say what it means; a
 * CloseEvent turned into text would only read "[object CloseEvent]".
 */
export function socketClosedError(close: SocketClose) {
  return {
    message: `WebSocket closed: ${close.code}${close.reason ? ` ${close.reason}` : ''}`,
    extensions: { code: SOCKET_CLOSED, closeCode: close.code },
  };
}

/**
 * The codes the server closes with, in words: 4403 from the credential check, 4429 at the sockets-per-
 * credential cap (server/src/realtime/socket-registry.ts), 4400 and 4500 from graphql-ws itself, 1011 a
 * WebSocket server's own error. The server's reason is English and for logs; the screen does not show it.
 */
const CLOSE_MESSAGES: Partial<Record<number, MessageKey>> = {
  [FORBIDDEN_CLOSE]: 'socket.forbidden',
  4429: 'socket.tooMany',
  4400: 'socket.badRequest',
  4500: 'socket.serverError',
  1011: 'socket.serverError',
};

/**
 * An error as the screen shows it: a closed socket by what its code means (any other code named), the rest
 * as the server said it, in Chinese on a Chinese screen when it gave its Chinese (an expected failure).
 */
export function errorMessage(error: CombinedError, t: I18n['t'], locale: Locale): string {
  const closeCode = error.graphQLErrors.find((e) => e.extensions?.code === SOCKET_CLOSED)?.extensions.closeCode;
  if (typeof closeCode !== 'number') return errorIn(error, locale);
  const key = CLOSE_MESSAGES[closeCode];
  return key ? t(key) : t('socket.closed', { code: closeCode });
}
