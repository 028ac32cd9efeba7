import { createSubscription } from '@urql/solid';
import type { AnyVariables, DocumentInput } from '@urql/core';
import { createEffect, onCleanup, type Accessor } from 'solid-js';
import type { ConnectionStore } from '../../graphql/connection';
import { errorMessage } from '../../graphql/errors';
import { resubscribeWhenQuiet } from '../../graphql/quiet-stream-watchdog';
import { useI18n } from '../../i18n/i18n';

/** Long enough not to hammer a server that is failing, short enough that a wall screen comes back on its own. */
const DEFAULT_RESUBSCRIBE_AFTER_MS = 5_000;

export interface LiveFeed<Data> {
  data: Accessor<Data | undefined>;
  /** performance.now() when the newest message arrived; null before the first. */
  receivedAt: Accessor<number | null>;
  /** In the viewer's words where the screen knows them (a closed socket), else as the server said it, in the screen's language when it gave both. */
  error: Accessor<string | undefined>;
}

export interface LiveFeedOptions {
  /** The socket's state and its server's heartbeat: a stream silent for three heartbeats while connected is subscribed again. */
  connection: Pick<ConnectionStore, 'state' | 'heartbeatMs'>;
  /** How long to wait after an error before subscribing again (default 5 s). */
  resubscribeAfterMs?: number;
}

interface Stamped<Data> {
  data: Data;
  receivedAt: number;
}

/**
 * A live subscription of the ticker (a message every heartbeat at least; not for event streams such
 * as alertChanged), stamped with each message's arrival time. Every message is the full state, so
 * a missed one (a jump in `sequence`) needs no repair: the next message replaces it.
 *
 * An error keeps the last figures and their time on screen, so they go stale like any figures nothing
 * new came for, and the subscription is started again after a while: the server ends a topic it cannot
 * compute, and one that failed to start may work once the cause is gone.
 */
export function createLiveFeed<Data, Variables extends AnyVariables>(
  query: DocumentInput<Data, Variables>,
  variables: Accessor<Variables>,
  options: LiveFeedOptions,
): LiveFeed<Data> {
  const { t, locale } = useI18n();
  const resubscribeAfterMs = options.resubscribeAfterMs ?? DEFAULT_RESUBSCRIBE_AFTER_MS;
  // urql hands a message without data (an error, or the stream's end) the previous message's data
  // object, or null when there was none: only a data object not seen before is a new message.
  let newest: Data | undefined;
  const [state, resubscribe] = createSubscription<Data, Stamped<Data> | undefined, Variables>({ query, variables }, (previous, data: Data | null) => {
    if (data === null || data === newest) return previous;
    newest = data;
    return { data, receivedAt: performance.now() };
  });

  const watchdog = resubscribeWhenQuiet({
    lastMessage: () => state.data?.receivedAt,
    connected: () => options.connection.state() === 'connected',
    heartbeatMs: options.connection.heartbeatMs,
    resubscribe: () => resubscribe(),
  });
  // Each new error waits afresh; the next good message clears the error, and with it the attempt.
  // Through the watchdog, which then counts the silence from this new subscribe.
  createEffect(() => {
    if (!state.error) return;
    const attempt = setTimeout(() => watchdog.resubscribe(), resubscribeAfterMs);
    onCleanup(() => clearTimeout(attempt));
  });

  return {
    data: () => state.data?.data,
    receivedAt: () => state.data?.receivedAt ?? null,
    error: () => (state.error ? errorMessage(state.error, t, locale()) : undefined),
  };
}
