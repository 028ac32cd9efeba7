import type { ConnectionStore, SocketState } from '../graphql/connection';

/**
 * What the badge says. Streams send a heartbeat after a few quiet seconds (the server's LIVE_HEARTBEAT_MS,
 * which it announces in the connection_ack), so data older than that plus three 1-s ticks means the feed
 * is stuck, not merely quiet — or, by its asOf, that the read replica it comes from has fallen behind.
 */
export type Freshness = 'connecting' | 'live' | 'stale' | 'reconnecting';

/**
 * The server's LIVE_HEARTBEAT_MS at its default: a ticker-driven stream sends at least one message this
 * often. The server states its own in the connection_ack (ConnectionStore.heartbeatMs), which the
 * quiet-stream watchdog and the badge follow; this value stands in only for a server too old to send it.
 */
export const LIVE_HEARTBEAT_MS = 5_000;
/** The server's TICK_MS at its default: a changed state goes out at the next tick. */
const TICK_MS = 1_000;

/**
 * When data from a server with this heartbeat is stuck rather than quiet: a heartbeat, plus three ticks
 * for the one that carries it to go out and arrive. A deployment that raises the heartbeat thereby
 * raises the badge's patience with it; no `?staleAfter=` is needed.
 */
export function staleAfterForHeartbeat(heartbeatMs: number): number {
  return heartbeatMs + 3 * TICK_MS;
}

/** The threshold from a server that announces no heartbeat (an older one): 8 s. */
export const DEFAULT_STALE_AFTER_MS = staleAfterForHeartbeat(LIVE_HEARTBEAT_MS);

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

/**
 * `?staleAfter=15000` for a screen on a slow link, whose messages arrive later than the server's
 * heartbeat alone allows for. Undefined when absent or not a sane threshold (under a second): the
 * screen then follows the heartbeat its server announces.
 */
export function staleAfterFromUrl(search: string): number | undefined {
  const value = Number(new URLSearchParams(search).get('staleAfter'));
  return Number.isFinite(value) && value >= 1_000 ? value : undefined;
}

/**
 * The threshold a screen applies now: the one its address fixes, else the one for the heartbeat of the
 * server on its socket. Read inside a memo, it moves with the heartbeat: the ack arrives after the screen
 * is built, and a reconnect may reach a server that announces another.
 */
export function currentStaleAfterMs(screen: { staleAfterMs?: number; connection: Pick<ConnectionStore, 'heartbeatMs'> }): number {
  return screen.staleAfterMs ?? staleAfterForHeartbeat(screen.connection.heartbeatMs());
}
