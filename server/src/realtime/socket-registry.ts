import type { WebSocket } from 'ws';
import { localCredentialSlots, type CredentialSlots, type HeldSlots, type SlotKind } from '../auth/credential-slots.js';
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
 *
 * The caps are counted by `slots`: by this instance alone, or with Redis across every instance
 * (auth/credential-slots.ts). A slot is reserved here before the count is asked, so two sockets opening at
 * once cannot both take the last one, and given back if the count refuses it or the socket left meanwhile.
 */
export class SocketRegistry {
  private readonly sessions = new Map<WebSocket, SocketSession>();
  private readonly streams = new Set<StreamSession>();
  private readonly perCredential = new Map<string, HeldSlots>();

  constructor(
    private readonly now: () => Date,
    private readonly slots: CredentialSlots = localCredentialSlots,
  ) {}

  private counts(viewerId: string) {
    let counts = this.perCredential.get(viewerId);
    if (!counts) this.perCredential.set(viewerId, (counts = { sockets: 0, subscriptions: 0, pending: 0 }));
    return counts;
  }

  /**
   * What each capped credential holds on this instance (the admin key's slots are not counted anywhere), as
   * a copy: the heartbeat and the revocation sweep read it; only this registry changes the counts.
   */
  held(): [string, Readonly<HeldSlots>][] {
    return Array.from(this.perCredential, ([credentialId, counts]) => [credentialId, { ...counts }]);
  }

  /**
   * Reserves one slot of `kind` for the viewer here and asks `slots` whether the credential may hold it;
   * true when it may (the slot stays taken), false when it is at its cap (the reservation is undone).
   */
  private async take(viewer: Viewer, kind: SlotKind, cap: number): Promise<boolean> {
    if (viewer.kind === 'ADMIN_KEY') return true;
    const counts = this.counts(viewer.id);
    counts[kind]++;
    counts.pending++;
    let allowed = false;
    try {
      allowed = await this.slots.take(kind, viewer.id, cap, counts[kind] - 1);
    } finally {
      counts.pending--;
      if (!allowed) {
        counts[kind]--;
        this.dropIfIdle(viewer.id, counts);
      }
    }
    return allowed;
  }

  /** A slot of `kind` given back, here and to `slots`. */
  private give(viewer: Viewer, kind: SlotKind, count = 1) {
    const counts = this.perCredential.get(viewer.id);
    if (!counts || count === 0 || viewer.kind === 'ADMIN_KEY') return;
    counts[kind] -= count;
    for (let i = 0; i < count; i++) this.slots.give(kind, viewer.id);
    this.dropIfIdle(viewer.id, counts);
  }

  /** False (and the socket closed with 4429) when the credential already holds its cap of sockets. */
  async open(socket: WebSocket, viewer: Viewer): Promise<boolean> {
    const cap = CREDENTIAL_LIMITS.socketsPerCredential;
    if (!(await this.take(viewer, 'sockets', cap))) {
      socket.close(TOO_MANY_SOCKETS, `at most ${cap} sockets per credential`);
      return false;
    }
    if (socket.readyState !== socket.OPEN) {
      this.give(viewer, 'sockets'); // it left while the count was asked
      return false;
    }
    const session: SocketSession = { viewer, subscriptions: new Set() };
    this.sessions.set(socket, session);
    this.armExpiry(session, () => this.refuse(socket, 'credential expired'));
    return true;
  }

  viewerOf(socket: WebSocket): Viewer | undefined {
    return this.sessions.get(socket)?.viewer;
  }

  /** False when the credential already holds its cap of subscriptions (or the socket has gone). */
  async subscribe(socket: WebSocket, id: string): Promise<boolean> {
    const session = this.sessions.get(socket);
    if (!session) return false;
    if (session.subscriptions.has(id)) return true;
    if (!(await this.take(session.viewer, 'subscriptions', CREDENTIAL_LIMITS.subscriptionsPerCredential))) return false;
    if (this.sessions.get(socket) !== session || session.subscriptions.has(id)) {
      this.give(session.viewer, 'subscriptions'); // the socket left, or the id was taken, while the count was asked
      return this.sessions.get(socket) === session;
    }
    session.subscriptions.add(id);
    return true;
  }

  complete(socket: WebSocket, id: string): void {
    const session = this.sessions.get(socket);
    if (session?.subscriptions.delete(id)) this.give(session.viewer, 'subscriptions');
  }

  /**
   * An event stream (SSE) holds one of its credential's subscriptions as a socket's does, so the cap is one
   * for both ways of subscribing; null at the cap. Event streams had none: one key opened 350 of them.
   * `end` is called once if the credential is revoked or expires while the stream is open, as a socket is
   * closed then; the stream's owner ends it and calls closeStream.
   */
  async openStream(viewer: Viewer, end: (reason: string) => void): Promise<StreamSession | null> {
    if (!(await this.take(viewer, 'subscriptions', CREDENTIAL_LIMITS.subscriptionsPerCredential))) return null;
    const stream: StreamSession = { viewer, end };
    this.streams.add(stream);
    this.armExpiry(stream, () => this.endStream(stream, 'credential expired'));
    return stream;
  }

  /** The stream has ended, however: its slot is free. Once per stream; later calls do nothing. */
  closeStream(stream: StreamSession): void {
    if (!this.streams.delete(stream)) return;
    if (stream.expiry) clearTimeout(stream.expiry);
    this.give(stream.viewer, 'subscriptions');
  }

  private endStream(stream: StreamSession, reason: string) {
    if (!this.streams.has(stream)) return;
    this.closeStream(stream);
    stream.end(reason);
  }

  private dropIfIdle(viewerId: string, counts: HeldSlots) {
    if (counts.sockets <= 0 && counts.subscriptions <= 0 && counts.pending <= 0) this.perCredential.delete(viewerId);
  }

  /** The socket is gone (closed by either side): forget it. */
  forget(socket: WebSocket): void {
    const session = this.sessions.get(socket);
    if (!session) return;
    if (session.expiry) clearTimeout(session.expiry);
    this.sessions.delete(socket);
    this.give(session.viewer, 'subscriptions', session.subscriptions.size);
    this.give(session.viewer, 'sockets'); // event streams of the credential may still count
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
