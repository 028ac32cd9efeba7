import { createEffect, on, onCleanup, untrack, type Accessor } from 'solid-js';
import { retryDelayMs } from './client';

export interface Backoff {
  /** Runs `attempt` after the next delay, in place of any attempt already waiting. */
  schedule(attempt: () => void): void;
  /** It worked: nothing waits any more, and the next failure waits the shortest delay again. */
  succeeded(): void;
  /** Nothing waits any more (an attempt was made some other way); the delays keep growing. */
  cancel(): void;
}

/**
 * The socket's back-off (retryDelayMs: 0.5 s, 1 s, 2 s, then every 3 s, jittered) for a query that
 * failed. A wall screen has nobody to press reload, so a query it cannot do without is asked again
 * until it answers; the waiting attempt ends with the owner that made it.
 */
export function createBackoff(): Backoff {
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  onCleanup(cancel);
  return {
    schedule(attempt) {
      cancel();
      timer = setTimeout(attempt, retryDelayMs(failures++));
    },
    succeeded() {
      failures = 0;
      cancel();
    },
    cancel,
  };
}

/**
 * Asks a createQuery again while its last answer was an error: after the back-off, and at once when
 * the socket connects, the surest sign that the server is back. Each new error waits afresh.
 */
export function retryWhileFailed(options: { error: Accessor<unknown>; retry: () => void; connects: Accessor<number> }): void {
  const backoff = createBackoff();
  createEffect(on(options.error, (error) => (error ? backoff.schedule(options.retry) : backoff.succeeded())));
  createEffect(
    on(
      options.connects,
      () => {
        if (!untrack(options.error)) return;
        backoff.succeeded(); // the server is reachable again: the next failure starts the delays over
        options.retry();
      },
      { defer: true },
    ),
  );
}

/**
 * Calls `onConnect` (untracked) each time the socket connects after this point; `first` is the page's very first
 * connection (ConnectionStore.connects from 0). Counted here rather than with on()'s previous value,
 * which is undefined at the first change after a deferred start, so a list mounted on a socket that is
 * already up (another campaign picked) would miss its first reconnect.
 */
export function onConnect(connects: Accessor<number>, onConnect: (first: boolean) => void): void {
  let seen = untrack(connects);
  createEffect(
    on(
      connects,
      (now) => {
        const first = seen === 0;
        const more = now > seen;
        seen = now;
        if (more) onConnect(first);
      },
      { defer: true },
    ),
  );
}
