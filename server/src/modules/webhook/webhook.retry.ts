import { DAY_MS, HOUR_MS } from '../../lib/time.js';
/**
 * When a failed delivery is tried again, when it is given up, and when an endpoint that keeps failing
 * is paused. Defaults per API.md: retried with back-off for at least 24 hours under the same id.
 */
export interface RetryPolicy {
  /** The first retry waits up to this long; each further failure doubles the ceiling… */
  baseDelayMs: number;
  /** …up to this ceiling. */
  maxDelayMs: number;
  /** A delivery is given up (FAILED) only once it is at least this old and its last attempt failed. */
  giveUpAfterMs: number;
  /** An endpoint is paused after this many failed attempts in a row, across its deliveries… */
  pauseAfterFailures: number;
  /** …provided the failures span at least this long (a burst of a busy minute is not a dead endpoint). */
  pauseAfterFailingMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 10_000,
  maxDelayMs: HOUR_MS,
  giveUpAfterMs: DAY_MS,
  pauseAfterFailures: 20,
  pauseAfterFailingMs: HOUR_MS,
};

/**
 * "Full jitter" exponential back-off: a uniformly random wait between 0 and min(max, base · 2^(n−1))
 * after the n-th failure. The randomness spreads the retries of many deliveries to an endpoint that
 * comes back, instead of all of them arriving in the same second.
 */
export function retryDelayMs(policy: RetryPolicy, failures: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(Math.max(failures - 1, 0), 40));
  return Math.floor(random() * ceiling);
}

/** After a failed attempt: the time of the next one, or null to give up. */
export function nextAttemptAfterFailure(
  policy: RetryPolicy,
  delivery: { createdAt: Date; failures: number },
  now: Date,
  random: () => number,
): Date | null {
  if (now.getTime() - delivery.createdAt.getTime() >= policy.giveUpAfterMs) return null;
  return new Date(now.getTime() + retryDelayMs(policy, delivery.failures, random));
}
