import { createRoot, createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { createDataAge } from './data-age';

const SERVER_START = Date.parse('2026-11-11T04:00:00Z');

/**
 * One feed whose messages the test sends: `send(asOfMs)` arrives at the screen's monotonic `now`.
 * The screen's monotonic clock starts at 0, the server's clock at SERVER_START.
 */
function screenWithFeeds(count = 1) {
  return createRoot((dispose) => {
    const [now, setNow] = createSignal(0);
    const [connects, setConnects] = createSignal(1);
    const feeds = Array.from({ length: count }, () => {
      const [message, setMessage] = createSignal<{ asOf: string; receivedAt: number } | null>(null);
      return { message, setMessage };
    });
    const age = createDataAge({
      feeds: feeds.map((f) => ({ asOf: () => f.message()?.asOf, receivedAt: () => f.message()?.receivedAt ?? null })),
      connects,
      now,
    });
    return {
      age,
      dispose,
      /** Moves the screen's clock on by `ms`. */
      wait: (ms: number) => setNow((n) => n + ms),
      /** Feed `i` delivers figures as of `asOfMs` on the server's clock, now. */
      send: (asOfMs: number, i = 0) => feeds[i]!.setMessage({ asOf: new Date(asOfMs).toISOString(), receivedAt: now() }),
      reconnect: () => setConnects((n) => n + 1),
      /** The server's clock, for a server in step with the screen (plus `lagMs` of latency). */
      server: (lagMs = 0) => SERVER_START + now() - lagMs,
    };
  });
}

describe('how old the figures are by their asOf', () => {
  it('is unknown until every feed has spoken', () => {
    const s = screenWithFeeds(2);
    expect(s.age()).toBeNull();
    s.send(s.server(), 0);
    expect(s.age()).toBeNull();
    s.send(s.server(), 1);
    expect(s.age()).toBe(0);
    s.dispose();
  });

  it('grows while the asOf stays put, however often messages arrive (a replica that stopped replaying)', () => {
    const s = screenWithFeeds();
    s.send(s.server(200));
    const stoppedAt = s.server(200);
    for (let second = 1; second <= 12; second += 1) {
      s.wait(1_000);
      s.send(stoppedAt);
    }
    expect(s.age()).toBe(12_000);
    s.wait(500);
    expect(s.age()).toBe(12_500); // between messages too
    s.send(s.server(200)); // caught up
    expect(s.age()).toBe(0);
    s.dispose();
  });

  it('does not hold a screen clock that is an hour off against the figures', () => {
    const s = screenWithFeeds();
    for (let second = 0; second < 30; second += 1) {
      s.send(s.server() - 3_600_000 + 150);
      s.wait(1_000);
    }
    expect(s.age()).toBe(1_000);
    s.dispose();
  });

  it('takes the fastest message as the measure, so network jitter does not read as age', () => {
    const s = screenWithFeeds();
    s.send(s.server(300));
    s.wait(1_000);
    s.send(s.server(50)); // this one travelled faster: the server is 250 ms further on than it seemed
    s.wait(1_000);
    s.send(s.server(400));
    expect(s.age()).toBe(350);
    s.dispose();
  });

  it('starts measuring afresh after a reconnect (another instance, or a clock that moved), keeping the old measure until then', () => {
    const s = screenWithFeeds();
    s.send(s.server());
    s.wait(3_000);
    s.reconnect();
    expect(s.age()).toBe(3_000); // the figures on screen still have an age
    // The new instance's clock is 30 s behind the old one's: fresh figures, not 30 s old ones.
    s.send(s.server() - 30_000);
    expect(s.age()).toBe(0);
    s.wait(9_000);
    s.send(s.server() - 30_000);
    expect(s.age()).toBe(0);
    s.dispose();
  });

  it('lets the older feed decide', () => {
    const s = screenWithFeeds(2);
    s.send(s.server(), 0);
    s.send(s.server(), 1);
    s.wait(9_000);
    s.send(s.server(), 0);
    expect(s.age()).toBe(9_000);
    s.dispose();
  });
});
