import { createRoot, createSignal } from 'solid-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryWhileFailed } from './retry';

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0); // no jitter: 0.5 s, 1 s, 2 s, then every 3 s
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** A query whose answers the test gives, retried as the screen does; returns how often it was asked again. */
function failingQuery() {
  const [error, setError] = createSignal<Error | undefined>(new Error('[Network] Failed to fetch'));
  const [connects, setConnects] = createSignal(0);
  const retries: number[] = [];
  const dispose = createRoot((dispose) => {
    retryWhileFailed({ error, retry: () => retries.push(Date.now()), connects });
    return dispose;
  });
  return { retries, answer: setError, connect: () => setConnects((n) => n + 1), dispose };
}

describe('a query the screen cannot do without', () => {
  it('is asked again after the socket back-off while it keeps failing, and no more once it answers', () => {
    const q = failingQuery();
    const start = Date.now();
    vi.advanceTimersByTime(499);
    expect(q.retries).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(q.retries).toHaveLength(1);

    q.answer(new Error('still down'));
    vi.advanceTimersByTime(1_000);
    q.answer(new Error('still down'));
    vi.advanceTimersByTime(2_000);
    q.answer(new Error('still down'));
    vi.advanceTimersByTime(3_000);
    expect(q.retries.map((at) => at - start)).toEqual([500, 1_500, 3_500, 6_500]);

    q.answer(undefined);
    vi.advanceTimersByTime(60_000);
    expect(q.retries).toHaveLength(4);
    q.dispose();
  });

  it('is asked again at once when the socket connects, and the delays start over', () => {
    const q = failingQuery();
    vi.advanceTimersByTime(500);
    q.answer(new Error('still down'));
    vi.advanceTimersByTime(200); // the next attempt would wait a second
    q.connect();
    expect(q.retries).toHaveLength(2);

    q.answer(new Error('still down'));
    vi.advanceTimersByTime(500);
    expect(q.retries).toHaveLength(3);
    q.dispose();
  });

  it('is not asked again on a connect once it has answered, nor after the screen is gone', () => {
    const q = failingQuery();
    q.answer(undefined);
    q.connect();
    expect(q.retries).toHaveLength(0);

    q.answer(new Error('down again'));
    q.dispose();
    vi.advanceTimersByTime(60_000);
    expect(q.retries).toHaveLength(0);
  });
});
