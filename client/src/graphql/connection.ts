import { createSignal } from 'solid-js';
import { LIVE_HEARTBEAT_MS } from '../lib/freshness';

/**
 * The WebSocket's state as graphql-ws reports it. `reconnecting` covers every moment after a socket
 * was lost until a new one is acknowledged; the live streams resubscribe by themselves, and their
 * first message is a full snapshot, so nothing on screen needs a reload to resync.
 */
export type SocketState = 'connecting' | 'connected' | 'reconnecting';

export interface ConnectionStore {
  state: () => SocketState;
  /** Times the socket was (re)established since the page loaded. */
  connects: () => number;
  /**
   * How often the server on the socket sends a quiet live stream its state again (its LIVE_HEARTBEAT_MS,
   * from the connection_ack), in ms; LIVE_HEARTBEAT_MS until a server has said, and for one that does not.
   */
  heartbeatMs: () => number;
  connecting(): void;
  /** Acknowledged, with the heartbeat the server sent in its ack (undefined: an older server that sends none). */
  connected(heartbeatMs?: number): void;
  closed(): void;
  /** Signed out: no socket is expected, and the next one is a first connection again. */
  reset(): void;
}

export function createConnectionStore(): ConnectionStore {
  const [state, setState] = createSignal<SocketState>('connecting');
  const [connects, setConnects] = createSignal(0);
  const [heartbeatMs, setHeartbeatMs] = createSignal(LIVE_HEARTBEAT_MS);
  return {
    state,
    connects,
    heartbeatMs,
    connecting: () => setState((s) => (s === 'connected' ? 'reconnecting' : s)),
    connected: (heartbeat) => {
      // First: what reacts to the connect reads the heartbeat of this socket's server, not the last one's.
      setHeartbeatMs(heartbeat ?? LIVE_HEARTBEAT_MS);
      setConnects((n) => n + 1);
      setState('connected');
    },
    closed: () => setState((s) => (s === 'connecting' ? 'connecting' : 'reconnecting')),
    reset: () => setState('connecting'),
  };
}
