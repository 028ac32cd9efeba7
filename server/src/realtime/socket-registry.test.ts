import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SYSTEM, type Viewer } from '../auth/viewer.js';
import { SocketRegistry } from './socket-registry.js';

const DAY_MS = 86_400_000;
const key = (expiresInMs: number): Viewer => ({ ...SYSTEM, id: 'key:k1', kind: 'API_KEY', revocationIds: ['key:k1'], expiresAt: new Date(Date.now() + expiresInMs) });

describe('event streams in the socket registry', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-11-01T00:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it("ends a stream when its key expires, also a month away (past setTimeout's ~24.8-day ceiling), not a ceiling later", () => {
    const registry = new SocketRegistry(() => new Date());
    const ended: string[] = [];
    registry.openStream(key(30 * DAY_MS), (reason) => ended.push(reason));
    vi.advanceTimersByTime(30 * DAY_MS - 1);
    expect(ended).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ended).toEqual(['credential expired']);
    registry.dispose();
  });

  it('ends a revoked key\'s streams once, frees their slots, and leaves a stream that already closed alone', () => {
    const registry = new SocketRegistry(() => new Date());
    const ended: string[] = [];
    const first = registry.openStream(key(DAY_MS), (reason) => ended.push(`first: ${reason}`))!;
    const second = registry.openStream(key(DAY_MS), (reason) => ended.push(`second: ${reason}`))!;
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
