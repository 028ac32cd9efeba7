import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import { createBackoff } from './retry';

/**
 * How long a ticker-driven stream may say nothing on a connected socket before it is taken for lost:
 * three of the server's heartbeats (15 s at the default 5 s). One late heartbeat is a slow tick or a
 * busy replica, and the badge already says stale after one heartbeat and three ticks; three missed in a
 * row mean nothing is coming. Not sooner, since every resubscribe makes the server set up the topic afresh.
 */
export function quietStreamAfterMs(heartbeatMs: number): number {
  return 3 * heartbeatMs;
}

export interface QuietStreamWatch {
  /** Changes with every message the stream delivers (its arrival time). */
  lastMessage: Accessor<unknown>;
  /** The socket is acknowledged. Only then does silence count: a lost socket is graphql-ws's to recover. */
  connected: Accessor<boolean>;
  /** The heartbeat of the server on this socket (ConnectionStore.heartbeatMs), in ms. */
  heartbeatMs: Accessor<number>;
  /** Ends the stream and subscribes it again on the same socket. */
  resubscribe: () => void;
}

export interface QuietStreamWatchdog {
  /**
   * Subscribes again for another reason (the feed's retry after an error). Every resubscribe must go
   * through here: the silence is then counted from it, so the watchdog does not end the new stream
   * before its first message could arrive. It is neither a success nor a silence to the back-off.
   */
  resubscribe(): void;
}

/**
 * A stream can go quiet while its socket answers pings (its topic lost on a server that restarted its
 * ticker, a proxy holding one stream back): the socket's keep-alive never notices, and the screen
 * would freeze on its last figures. The server sends every ticker-driven stream at least a heartbeat,
 * so one silent past quietStreamAfterMs is subscribed again, and again while it stays silent,
 * each time after the socket's back-off (createBackoff) so a broken server is not hammered.
 *
 * Only for ticker-driven streams (campaignProgress, liveMetrics): an event stream (alertChanged,
 * milestoneChanged) is rightly silent while nothing happens.
 */
export function resubscribeWhenQuiet(watch: QuietStreamWatch): QuietStreamWatchdog {
  const backoff = createBackoff();
  const [resubscribes, setResubscribes] = createSignal(0);
  // Counted first, so the quiet timer restarts before the new stream can say anything.
  const resubscribe = () => {
    setResubscribes((n) => n + 1);
    watch.resubscribe();
  };
  // A message: the stream works again, and its next silence starts the delays over.
  createEffect(on(watch.lastMessage, () => backoff.succeeded(), { defer: true }));
  // Counted afresh from each message, each resubscribe and each connect: on a new socket graphql-ws has
  // just resubscribed every stream, so the time spent reconnecting never counts. A rerun drops an attempt
  // still waiting for its back-off (cancel keeps the delays growing): the stream was just subscribed anew.
  createEffect(
    on([watch.lastMessage, watch.connected, resubscribes], ([, connected]) => {
      if (!connected) return;
      const quiet = setTimeout(() => backoff.schedule(resubscribe), quietStreamAfterMs(watch.heartbeatMs()));
      onCleanup(() => {
        clearTimeout(quiet);
        backoff.cancel();
      });
    }),
  );
  return { resubscribe };
}
