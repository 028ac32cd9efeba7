import { createSignal } from 'solid-js';

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
  connecting(): void;
  connected(): void;
  closed(): void;
  /** Signed out: no socket is expected, and the next one is a first connection again. */
  reset(): void;
}

export function createConnectionStore(): ConnectionStore {
  const [state, setState] = createSignal<SocketState>('connecting');
  const [connects, setConnects] = createSignal(0);
  return {
    state,
    connects,
    connecting: () => setState((s) => (s === 'connected' ? 'reconnecting' : s)),
    connected: () => {
      setConnects((n) => n + 1);
      setState('connected');
    },
    closed: () => setState((s) => (s === 'connecting' ? 'connecting' : 'reconnecting')),
    reset: () => setState('connecting'),
  };
}
