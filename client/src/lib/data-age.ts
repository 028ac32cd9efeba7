import { createComputed, createMemo, createSignal, on, type Accessor } from 'solid-js';

/** A live feed's newest message: the instant its figures describe, and when it arrived here. */
export interface StampedFeed {
  /** The message's asOf (the server's clock, ISO 8601); undefined before the first. */
  asOf: Accessor<string | undefined>;
  /** performance.now() when it arrived; null before the first. */
  receivedAt: Accessor<number | null>;
}

/**
 * How old the figures on screen are by their `asOf`, in ms: a read replica that falls behind keeps
 * sending heartbeats, so arrival times alone would call its old figures live.
 *
 * The screen's clock and the server's need not agree, so ages are measured on the screen's monotonic
 * clock against an offset: the smallest `arrival − asOf` seen since the socket last connected (the
 * message that travelled fastest from a server in step). A screen whose clock is wrong is then not
 * stale for ever, and a wall-clock step on the screen changes nothing. Lag the server already has when
 * the socket connects is taken as part of the offset: it counts from when it grows, or once the
 * replica has caught up. Null until every feed has spoken; the oldest feed decides.
 */
export function createDataAge(options: { feeds: readonly StampedFeed[]; connects: Accessor<number>; now: Accessor<number> }): Accessor<number | null> {
  const [offset, setOffset] = createSignal<number | null>(null);
  // After a connect the next message starts the estimate afresh (another instance, or a clock that has
  // drifted since); until then the last one stands, so the figures on screen keep an age.
  let restart = false;
  createComputed(on(options.connects, () => void (restart = true), { defer: true }));
  for (const feed of options.feeds) {
    createComputed(
      on(feed.receivedAt, (receivedAt) => {
        const asOf = feed.asOf();
        if (receivedAt === null || !asOf) return;
        const sample = receivedAt - Date.parse(asOf);
        setOffset((current) => (current === null || restart ? sample : Math.min(current, sample)));
        restart = false;
      }),
    );
  }
  return createMemo(() => {
    const o = offset();
    if (o === null) return null;
    let oldest = 0;
    for (const feed of options.feeds) {
      const asOf = feed.asOf();
      if (!asOf) return null;
      oldest = Math.max(oldest, options.now() - o - Date.parse(asOf));
    }
    return oldest;
  });
}
