import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SYSTEM, type Viewer } from '../auth/viewer.js';
import type { WebSocket } from 'ws';
import type { CredentialSlots } from '../auth/credential-slots.js';
import { CREDENTIAL_LIMITS } from '../auth/limits.js';
import { SocketRegistry } from './socket-registry.js';

const DAY_MS = 86_400_000;
const key = (expiresInMs: number): Viewer => ({ ...SYSTEM, id: 'key:k1', kind: 'API_KEY', revocationIds: ['key:k1'], expiresAt: new Date(Date.now() + expiresInMs) });

describe('event streams in the socket registry', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-01T00:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it("ends a stream when its key expires, also a month away (past setTimeout's ~24.8-day ceiling), not a ceiling later", async () => {
    const registry = new SocketRegistry(() => new Date());
    const ended: string[] = [];
    await registry.openStream(key(30 * DAY_MS), (reason) => ended.push(reason));
    vi.advanceTimersByTime(30 * DAY_MS - 1);
    expect(ended).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ended).toEqual(['credential expired']);
    registry.dispose();
  });

  it('ends a revoked key\'s streams once, frees their slots, and leaves a stream that already closed alone', async () => {
    const registry = new SocketRegistry(() => new Date());
    const ended: string[] = [];
    const first = (await registry.openStream(key(DAY_MS), (reason) => ended.push(`first: ${reason}`)))!;
    const second = (await registry.openStream(key(DAY_MS), (reason) => ended.push(`second: ${reason}`)))!;
    registry.closeStream(second); // its client left before the revocation
    expect(registry.revocationIds()).toEqual(['key:k1']);
    registry.closeRevoked(['key:k1']);
    registry.closeRevoked(['key:k1']);
    registry.closeStream(first); // the plugin's own release after the stream ended: nothing more
    expect(ended).toEqual(['first: credential revoked']);
    expect(registry.revocationIds()).toEqual([]);
    // Its expiry timer went with it.
    vi.advanceTimersByTime(2 * DAY_MS);
    expect(ended).toEqual(['first: credential revoked']);
    registry.dispose();
  });
});

/** A ledger that answers a moment later, as Redis does, deciding by the instance's own count; it records every give. */
function slowLedger() {
  const gives: string[] = [];
  const slots: CredentialSlots = {
    take: (_kind, _id, cap, held) => new Promise((resolve) => setTimeout(() => resolve(held < cap), 5)),
    give: (kind, id) => void gives.push(`${kind}:${id}`),
    localFallbacks: () => 0,
    heartbeatFailures: () => 0,
    close: async () => {},
  };
  return { slots, gives };
}
const partner: Viewer = { ...SYSTEM, id: 'key:p1', kind: 'API_KEY', revocationIds: ['key:p1'] };

describe('slots taken while the count is asked', () => {
  it('lets no two streams opened at once take the last subscription slot', async () => {
    const registry = new SocketRegistry(() => new Date(), slowLedger().slots);
    const cap = CREDENTIAL_LIMITS.subscriptionsPerCredential;
    const opened = await Promise.all(Array.from({ length: cap + 5 }, () => registry.openStream(partner, () => {})));
    expect(opened.filter(Boolean)).toHaveLength(cap);
    expect([...registry.held()]).toEqual([['key:p1', { sockets: 0, subscriptions: cap, pending: 0 }]]);
    registry.dispose();
  });

  it('hands out a copy of what each credential holds: a reader cannot change the counts', async () => {
    const registry = new SocketRegistry(() => new Date(), slowLedger().slots);
    expect(await registry.openStream(partner, () => {})).toBeTruthy();
    const [[, counts]] = registry.held() as [[string, object]];
    Object.assign(counts, { subscriptions: 99, pending: 3 });
    expect(registry.held()).toEqual([['key:p1', { sockets: 0, subscriptions: 1, pending: 0 }]]);
    registry.dispose();
  });

  it('gives the slot back when the socket left while its count was asked, and holds nothing for it', async () => {
    const { slots, gives } = slowLedger();
    const registry = new SocketRegistry(() => new Date(), slots);
    const socket = { readyState: 1, OPEN: 1, close: () => {} } as unknown as WebSocket;
    const opening = registry.open(socket, partner);
    (socket as unknown as { readyState: number }).readyState = 3; // closed before the answer came
    expect(await opening).toBe(false);
    expect(gives).toEqual(['sockets:key:p1']);
    expect([...registry.held()]).toEqual([]);
    expect(registry.viewerOf(socket)).toBeUndefined();
  });

  it('counts nothing for the admin key, here or in the ledger', async () => {
    const { slots, gives } = slowLedger();
    const registry = new SocketRegistry(() => new Date(), slots);
    const stream = await registry.openStream({ ...partner, id: 'admin', kind: 'ADMIN_KEY' }, () => {});
    expect([...registry.held()]).toEqual([]);
    registry.closeStream(stream!);
    expect(gives).toEqual([]);
  });
});
