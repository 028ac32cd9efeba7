import type { WebSocket } from 'ws';
import { CREDENTIAL_LIMITS } from '../auth/limits.js';
import type { Viewer } from '../auth/viewer.js';

/** graphql-ws's Forbidden: no valid credential, or it expired or was revoked while connected. */
export const FORBIDDEN_CLOSE = 4403;
/** Too many sockets for one credential. */
export const TOO_MANY_SOCKETS = 4429;
/** setTimeout's ceiling (~24.8 days); a later expiry is checked again when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface SocketSession {
  viewer: Viewer;
  subscriptions: Set<string>;
  expiry?: ReturnType<typeof setTimeout>;
}

/** An open event stream (SSE): its credential, and how to end it when that credential stops standing. */
export interface StreamSession {
  viewer: Viewer;
  end: (reason: string) => void;
  expiry?: ReturnType<typeof setTimeout>;
}

/**
 * Who each open socket is and what it holds open, with counts per credential kept as they change (a
 * cap check costs O(1), not a walk over 10,000 sockets). Closes sockets whose credential expires or
 * is revoked. The admin key is exempt from the caps: it is the operator's own automation.
 */
export class SocketRegistry {
  private readonly sessions = new Map<WebSocket, SocketSession>();
  private readonly streams = new Set<StreamSession>();
  private readonly perCredential = new Map<string, { sockets: number; subscriptions: number }>();

  constructor(private readonly now: () => Date) {}

  private counts(viewerId: string) {
    let counts = this.perCredential.get(viewerId);
    if (!counts) this.perCredential.set(viewerId, (counts = { sockets: 0, subscriptions: 0 }));
    return counts;
  }

  /** False (and the socket closed with 4429) when the credential already holds its cap of sockets. */
  open(socket: WebSocket, viewer: Viewer): boolean {
    const counts = this.counts(viewer.id);
    if (viewer.kind !== 'ADMIN_KEY' && counts.sockets >= CREDENTIAL_LIMITS.socketsPerCredential) {
      socket.close(TOO_MANY_SOCKETS, `at most ${CREDENTIAL_LIMITS.socketsPerCredential} sockets per credential`);
      return false;
    }
    counts.sockets++;
    const session: SocketSession = { viewer, subscriptions: new Set() };
    this.sessions.set(socket, session);
    this.armExpiry(session, () => this.refuse(socket, 'credential expired'));
    return true;
  }

  viewerOf(socket: WebSocket): Viewer | undefined {
    return this.sessions.get(socket)?.viewer;
  }

  /** False when the credential already holds its cap of subscriptions. */
  subscribe(socket: WebSocket, id: string): boolean {
    const session = this.sessions.get(socket);
    if (!session) return false;
    const counts = this.counts(session.viewer.id);
    if (session.viewer.kind !== 'ADMIN_KEY' && counts.subscriptions >= CREDENTIAL_LIMITS.subscriptionsPerCredential) return false;
    if (!session.subscriptions.has(id)) counts.subscriptions++;
    session.subscriptions.add(id);
    return true;
  }

  complete(socket: WebSocket, id: string): void {
    const session = this.sessions.get(socket);
    if (session?.subscriptions.delete(id)) this.counts(session.viewer.id).subscriptions--;
  }

  /**
   * An event stream (SSE) holds one of its credential's subscriptions as a socket's does, so the cap is one
   * for both ways of subscribing; null at the cap. Event streams had none: one key opened 350 of them.
   * `end` is called once if the credential is revoked or expires while the stream is open, as a socket is
   * closed then; the stream's owner ends it and calls closeStream.
   */
  openStream(viewer: Viewer, end: (reason: string) => void): StreamSession | null {
    const counts = this.counts(viewer.id);
    if (viewer.kind !== 'ADMIN_KEY' && counts.subscriptions >= CREDENTIAL_LIMITS.subscriptionsPerCredential) {
      this.dropIfIdle(viewer.id, counts);
      return null;
    }
    counts.subscriptions++;
    const stream: StreamSession = { viewer, end };
    this.streams.add(stream);
    this.armExpiry(stream, () => this.endStream(stream, 'credential expired'));
    return stream;
  }

  /** The stream has ended, however: its slot is free. Once per stream; later calls do nothing. */
  closeStream(stream: StreamSession): void {
    if (!this.streams.delete(stream)) return;
    if (stream.expiry) clearTimeout(stream.expiry);
    const counts = this.perCredential.get(stream.viewer.id);
    if (!counts) return;
    counts.subscriptions--;
    this.dropIfIdle(stream.viewer.id, counts);
  }

  private endStream(stream: StreamSession, reason: string) {
    if (!this.streams.has(stream)) return;
    this.closeStream(stream);
    stream.end(reason);
  }

  private dropIfIdle(viewerId: string, counts: { sockets: number; subscriptions: number }) {
    if (counts.sockets <= 0 && counts.subscriptions <= 0) this.perCredential.delete(viewerId);
  }

  /** The socket is gone (closed by either side): forget it. */
  forget(socket: WebSocket): void {
    const session = this.sessions.get(socket);
    if (!session) return;
    if (session.expiry) clearTimeout(session.expiry);
    this.sessions.delete(socket);
    const counts = this.counts(session.viewer.id);
    counts.sockets--;
    counts.subscriptions -= session.subscriptions.size;
    this.dropIfIdle(session.viewer.id, counts); // event streams of the credential may still count
  }

  /** Closes with 4403, e.g. when the credential no longer passes on a subscribe. */
  refuse(socket: WebSocket, reason: string): void {
    this.forget(socket);
    socket.close(FORBIDDEN_CLOSE, reason);
  }

  /** Every revocation id the open sockets' and event streams' credentials answer to, once each (auth/revocation-sweep.ts). */
  revocationIds(): string[] {
    const ids = new Set<string>();
    for (const held of [...this.sessions.values(), ...this.streams]) for (const id of held.viewer.revocationIds ?? []) ids.add(id);
    return [...ids];
  }

  /** A revocation names sessions, users or keys; their sockets close and their event streams end at once. */
  closeRevoked(revokedIds: readonly string[]): void {
    const revoked = new Set(revokedIds);
    const isRevoked = (viewer: Viewer) => viewer.revocationIds?.some((id) => revoked.has(id)) ?? false;
    for (const [socket, session] of this.sessions) if (isRevoked(session.viewer)) this.refuse(socket, 'credential revoked');
    for (const stream of [...this.streams]) if (isRevoked(stream.viewer)) this.endStream(stream, 'credential revoked');
  }

  dispose(): void {
    for (const held of [...this.sessions.values(), ...this.streams]) if (held.expiry) clearTimeout(held.expiry);
  }

  /** An expiring credential closes its socket when it expires, not at the next message. */
  /**
   * Calls `expired` when the holder's credential expires (never for one that does not). A timer that fires
   * early (setTimeout's ceiling of ~24.8 days, or a clock that stepped back) waits again for the time left;
   * `held.expiry` is always the live timer, so clearing it cancels the wait.
   */
  private armExpiry(held: { viewer: Viewer; expiry?: ReturnType<typeof setTimeout> }, expired: () => void) {
    const expiresAt = held.viewer.expiresAt;
    if (!expiresAt) return;
    const wait = expiresAt.getTime() - this.now().getTime();
    held.expiry = setTimeout(() => {
      if (expiresAt.getTime() <= this.now().getTime()) expired();
      else this.armExpiry(held, expired);
    }, Math.min(Math.max(wait, 0), MAX_TIMER_MS));
    held.expiry.unref();
  }
}
