import { describe, expect, it } from 'vitest';
import { currentStaleAfterMs, dataAgeMs, DEFAULT_STALE_AFTER_MS, freshness, staleAfterFromUrl, type FreshnessInput } from './freshness';

const at = (input: Partial<FreshnessInput>): FreshnessInput => ({ socket: 'connected', receivedAt: 10_000, now: 10_000, staleAfterMs: 8_000, ...input });

describe('what the connection badge says', () => {
  it('is connecting until the first live message arrives, even on an open socket', () => {
    expect(freshness(at({ socket: 'connecting', receivedAt: null }))).toBe('connecting');
    expect(freshness(at({ socket: 'connected', receivedAt: null }))).toBe('connecting');
  });

  it('is live on an open socket whose newest message is no older than staleAfterMs', () => {
    expect(freshness(at({ now: 10_000 }))).toBe('live');
    expect(freshness(at({ now: 18_000 }))).toBe('live');
  });

  it('turns stale the moment the newest message is older than staleAfterMs, socket open or not', () => {
    expect(freshness(at({ now: 18_001 }))).toBe('stale');
    expect(freshness(at({ socket: 'connecting', now: 30_000 }))).toBe('stale');
    expect(freshness(at({ now: 13_001, staleAfterMs: 3_000 }))).toBe('stale');
  });

  it('says reconnecting whenever the socket was lost, however fresh the last message', () => {
    expect(freshness(at({ socket: 'reconnecting' }))).toBe('reconnecting');
    expect(freshness(at({ socket: 'reconnecting', now: 60_000 }))).toBe('reconnecting');
    expect(freshness(at({ socket: 'reconnecting', receivedAt: null }))).toBe('reconnecting');
  });

  it('turns stale when the figures are older than staleAfterMs by their asOf, however recently they arrived', () => {
    expect(freshness(at({ now: 10_000, asOfAgeMs: 8_000 }))).toBe('live');
    expect(freshness(at({ now: 10_000, asOfAgeMs: 8_001 }))).toBe('stale');
    expect(freshness(at({ now: 10_000, asOfAgeMs: null }))).toBe('live');
  });

  it('gives the age the banner says: by asOf, or by arrival when that is older', () => {
    expect(dataAgeMs({ receivedAt: 10_000, now: 12_000, asOfAgeMs: 60_000 })).toBe(60_000);
    expect(dataAgeMs({ receivedAt: 10_000, now: 12_000, asOfAgeMs: 500 })).toBe(2_000);
    expect(dataAgeMs({ receivedAt: 10_000, now: 12_000 })).toBe(2_000);
    expect(dataAgeMs({ receivedAt: null, now: 12_000, asOfAgeMs: 500 })).toBeNull();
  });

  it('holds data that arrived before the socket reported connected as connecting, not live', () => {
    expect(freshness(at({ socket: 'connecting' }))).toBe('connecting');
  });
});

describe('?staleAfter= for screens on slow links', () => {
  it('takes a threshold of at least one second from the URL', () => {
    expect(staleAfterFromUrl('?staleAfter=15000')).toBe(15_000);
    expect(staleAfterFromUrl('?staleAfter=1000')).toBe(1_000);
  });

  it("leaves the threshold to the server's heartbeat for a missing, tiny or nonsensical value", () => {
    expect(staleAfterFromUrl('')).toBeUndefined();
    expect(staleAfterFromUrl('?staleAfter=500')).toBeUndefined();
    expect(staleAfterFromUrl('?staleAfter=soon')).toBeUndefined();
    expect(staleAfterFromUrl('?staleAfter=-20000')).toBeUndefined();
  });
});

describe('the stale threshold a screen applies', () => {
  const announcing = (heartbeatMs: number) => ({ heartbeatMs: () => heartbeatMs });

  it('is one heartbeat of the server on the socket plus three ticks when the address sets none', () => {
    expect(currentStaleAfterMs({ staleAfterMs: staleAfterFromUrl(''), connection: announcing(15_000) })).toBe(18_000);
    expect(currentStaleAfterMs({ staleAfterMs: staleAfterFromUrl(''), connection: announcing(5_000) })).toBe(DEFAULT_STALE_AFTER_MS);
  });

  it('is what ?staleAfter= says, longer or shorter than the heartbeat allows', () => {
    expect(currentStaleAfterMs({ staleAfterMs: staleAfterFromUrl('?staleAfter=20000'), connection: announcing(15_000) })).toBe(20_000);
    expect(currentStaleAfterMs({ staleAfterMs: staleAfterFromUrl('?staleAfter=6000'), connection: announcing(15_000) })).toBe(6_000);
  });
});
