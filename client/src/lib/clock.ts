import { createSignal, onCleanup, type Accessor } from 'solid-js';

/**
 * One ticking clock per screen, read by the wall clock and the freshness check alike. Returns
 * { wall: Date.now(), mono: performance.now() }: wall time for display, monotonic time for ages (a
 * screen whose clock is adjusted must not suddenly call its data stale).
 */
export interface Now {
  wall: number;
  mono: number;
}

export function createClock(intervalMs = 1_000): Accessor<Now> {
  const read = (): Now => ({ wall: Date.now(), mono: performance.now() });
  const [now, setNow] = createSignal<Now>(read());
  const timer = setInterval(() => setNow(read()), intervalMs);
  onCleanup(() => clearInterval(timer));
  return now;
}
