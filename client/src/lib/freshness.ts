import type { SocketState } from '../graphql/connection';

/**
 * What the badge says. Streams send a heartbeat after a few quiet seconds (LIVE_HEARTBEAT_MS, 5 s by
 * default), so data older than that plus three 1-s ticks means the feed is stuck, not merely quiet —
 * or, by its asOf, that the read replica it comes from has fallen behind.
 */
export type Freshness = 'connecting' | 'live' | 'stale' | 'reconnecting';

/**
 * The server's LIVE_HEARTBEAT_MS at its default: a ticker-driven stream sends at least one message this
 * often. The server states its own in the connection_ack (ConnectionStore.heartbeatMs), which the
 * quiet-stream watchdog follows; this value stands in only for a server too old to send it. The badge
 * does not follow it: a deployment that raises the heartbeat must raise `?staleAfter=` too, or its
 * screens call quiet feeds stale.
 */
export const LIVE_HEARTBEAT_MS = 5_000;
/** The server's TICK_MS at its default: a changed state goes out at the next tick. */
const TICK_MS = 1_000;

export const DEFAULT_STALE_AFTER_MS = LIVE_HEARTBEAT_MS + 3 * TICK_MS;

export interface FreshnessInput {
  socket: SocketState;
  /** performance.now() when the newest live message arrived; null before the first. */
  receivedAt: number | null;
  now: number;
  staleAfterMs: number;
  /** How old the figures are by their asOf (createDataAge); null or absent: not known. */
  asOfAgeMs?: number | null;
}

/** How old the figures on screen are: since they were computed (asOf) or, if later, since they arrived. */
export function dataAgeMs(input: Pick<FreshnessInput, 'receivedAt' | 'now' | 'asOfAgeMs'>): number | null {
  if (input.receivedAt === null) return null;
  return Math.max(0, input.now - input.receivedAt, input.asOfAgeMs ?? 0);
}

export function freshness(input: FreshnessInput): Freshness {
  if (input.socket === 'reconnecting') return 'reconnecting';
  const age = dataAgeMs(input);
  if (age === null) return 'connecting';
  if (age > input.staleAfterMs) return 'stale';
  return input.socket === 'connected' ? 'live' : 'connecting';
}

/** `?staleAfter=15000` for screens on slow links; otherwise the default. */
export function staleAfterFromUrl(search: string): number {
  const value = Number(new URLSearchParams(search).get('staleAfter'));
  return Number.isFinite(value) && value >= 1_000 ? value : DEFAULT_STALE_AFTER_MS;
}
