import { createEffect, on, onCleanup, type Accessor } from 'solid-js';
import { LIVE_HEARTBEAT_MS } from '../lib/freshness';
import { createBackoff } from './retry';

/**
 * How long a ticker-driven stream may say nothing on a connected socket before it is taken for lost:
 * three heartbeats (15 s). One late heartbeat is a slow tick or a busy replica, and the badge already
 * says stale after one heartbeat and three ticks; three missed in a row mean nothing is coming. Not
 * sooner, since every resubscribe makes the server set up the topic afresh.
 */
export const QUIET_STREAM_AFTER_MS = 3 * LIVE_HEARTBEAT_MS;

export interface QuietStreamWatch {
  /** Changes with every message the stream delivers (its arrival time). */
  lastMessage: Accessor<unknown>;
  /** The socket is acknowledged. Only then does silence count: a lost socket is graphql-ws's to recover. */
  connected: Accessor<boolean>;
  /** Ends the stream and subscribes it again on the same socket. */
  resubscribe: () => void;
}

/**
 * A stream can go quiet while its socket answers pings (its topic lost on a server that restarted its
 * ticker, a proxy holding one stream back): the socket's keep-alive never notices, and the screen
 * would freeze on its last figures. The server sends every ticker-driven stream at least a heartbeat,
 * so one silent past QUIET_STREAM_AFTER_MS is subscribed again, and again while it stays silent,
 * each time after the socket's back-off (createBackoff) so a broken server is not hammered.
 *
 * Only for ticker-driven streams (campaignProgress, liveMetrics): an event stream (alertChanged,
 * milestoneChanged) is rightly silent while nothing happens.
 */
export function resubscribeWhenQuiet(watch: QuietStreamWatch): void {
  const backoff = createBackoff();
  // A message: the stream works again, and its next silence starts the delays over.
  createEffect(on(watch.lastMessage, () => backoff.succeeded(), { defer: true }));
  // Counted afresh from each message and each connect: on a new socket graphql-ws has just resubscribed
  // every stream, so the time spent reconnecting never counts.
  createEffect(
    on([watch.lastMessage, watch.connected], ([, connected]) => {
      if (!connected) return;
      let quiet: ReturnType<typeof setTimeout> | undefined;
      const listen = () => {
        quiet = setTimeout(() => backoff.schedule(attempt), QUIET_STREAM_AFTER_MS);
      };
      // Listening again first: should resubscribing rerun this effect, its cleanup clears that timer.
      const attempt = () => {
        listen();
        watch.resubscribe();
      };
      listen();
      onCleanup(() => {
        clearTimeout(quiet);
        backoff.cancel();
      });
    }),
  );
}
