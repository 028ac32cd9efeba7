import { screen } from '@solidjs/testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressPayload } from '../../../test/fixtures';
import { useMockApi } from '../../../test/msw';
import { renderWithProviders, startApi } from '../../../test/render';
import type { ConnectionStore } from '../../graphql/connection';
import { quietStreamAfterMs } from '../../graphql/quiet-stream-watchdog';
import { LIVE_HEARTBEAT_MS } from '../../lib/freshness';
import { createLiveFeed } from './live-feed';
import { CampaignProgressSubscription } from './war-room.documents';

useMockApi();

const STREAM = 'WarRoomProgress';
/** The quiet bound at the default heartbeat: the fake server's ack carries none unless a test says, as an older server's. */
const QUIET_STREAM_AFTER_MS = quietStreamAfterMs(LIVE_HEARTBEAT_MS);
/** The socket's back-off before each attempt (retryDelayMs), and the most its jitter adds. */
const BACKOFF_MS = [500, 1_000, 2_000, 3_000];
const JITTER_MS = 300;
/** createLiveFeed's own wait after an error before it subscribes again (its default). */
const RESUBSCRIBE_AFTER_ERROR_MS = 5_000;
/** How finely the tests step the clock to see when a subscribe happened. */
const STEP_MS = 100;

// Every timer is fake (the watchdog's, the back-off's, graphql-ws's pings and reconnects); msw's
// socket runs on microtasks, which stay real, so messages flow as the clock is stepped.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** The hero's figure, from the live feed as the war room and the phone read it. */
function Gmv(props: { connection: ConnectionStore }) {
  const progress = createLiveFeed(CampaignProgressSubscription, () => ({ campaignId: 'c-1' }), { connection: props.connection });
  return <p data-testid="gmv">{progress.data()?.campaignProgress.progress.gmv ?? '—'}</p>;
}

/**
 * The campaign's GMV on a screen whose socket is up and subscribed, with a clock only the test moves;
 * `ack`: what the server's connection_ack carries (nothing by default).
 */
async function openGmv(options: { ack?: Record<string, unknown> } = {}) {
  const testApi = startApi();
  if (options.ack) testApi.live.acknowledgeWith(options.ack);
  renderWithProviders(() => <Gmv connection={testApi.connection} />, { api: testApi });
  await vi.waitFor(() => expect(testApi.live.isSubscribed(STREAM)).toBe(true));
  let sequence = 0;
  return {
    ...testApi,
    subscribes: () => testApi.live.subscribes(STREAM),
    shown: () => screen.getByTestId('gmv').textContent,
    /** The server sends the campaign's state (a change, or a heartbeat with the same figures). */
    async send(gmv = '100.00') {
      testApi.live.push(CampaignProgressSubscription, progressPayload({ sequence: ++sequence, progress: { gmv } }));
      await vi.advanceTimersByTimeAsync(0);
      expect(screen.getByTestId('gmv')).toHaveTextContent(gmv);
    },
    async wait(ms: number) {
      await vi.advanceTimersByTimeAsync(ms);
    },
    /** Steps the clock until the stream is subscribed again; how long that took. */
    async untilResubscribed(limitMs = 60_000) {
      const before = testApi.live.subscribes(STREAM);
      for (let waited = STEP_MS; waited <= limitMs; waited += STEP_MS) {
        await vi.advanceTimersByTimeAsync(STEP_MS);
        if (testApi.live.subscribes(STREAM) > before) return waited;
      }
      throw new Error(`not subscribed again within ${limitMs} ms`);
    },
  };
}

describe('a live stream that goes quiet on a healthy socket', () => {
  it('is subscribed again on the same socket after three missed heartbeats, and what the new one sends reaches the screen', async () => {
    const s = await openGmv();
    await s.send('100.00');

    await s.wait(QUIET_STREAM_AFTER_MS);
    expect(s.subscribes()).toBe(1); // silent for the bound exactly: not yet
    const waited = await s.untilResubscribed();
    expect(waited).toBeLessThanOrEqual(BACKOFF_MS[0]! + JITTER_MS + STEP_MS);
    expect(s.live.connections()).toBe(1);
    expect(s.live.variablesOf(STREAM)).toHaveLength(1); // the stuck one was ended, not left beside it
    expect(s.shown()).toBe('100.00'); // the old figure stays until the new stream speaks

    await s.send('250.00');
    expect(s.shown()).toBe('250.00');
  });

  it('is never subscribed again while heartbeats keep coming, however long nothing changes', async () => {
    const s = await openGmv();
    for (let heartbeat = 0; heartbeat < 24; heartbeat += 1) {
      await s.send('100.00');
      await s.wait(5_000);
    }
    expect(s.subscribes()).toBe(1);

    // Once they stop, it is: the heartbeats only held it off.
    await s.send('100.00');
    expect(await s.untilResubscribed()).toBeGreaterThan(QUIET_STREAM_AFTER_MS);
    expect(s.subscribes()).toBe(2);
  });

  it('does not count the time spent reconnecting as silence', async () => {
    const s = await openGmv();
    await s.send('100.00');

    s.live.hold(); // new sockets open but are not acknowledged: the screen stays reconnecting
    s.live.drop();
    await s.wait(60_000);
    expect(s.connection.state()).toBe('reconnecting');
    expect(s.subscribes()).toBe(1);

    s.live.accept();
    await s.wait(0);
    expect(s.connection.state()).toBe('connected');
    expect(s.subscribes()).toBe(2); // graphql-ws's own resubscribe on the new socket
    // A minute without a message, but the quiet count starts at the connect.
    await s.wait(QUIET_STREAM_AFTER_MS);
    expect(s.subscribes()).toBe(2);
    await s.untilResubscribed(BACKOFF_MS[0]! + JITTER_MS + STEP_MS);
    await s.send('300.00');
  });

  it("counts the silence afresh from the feed's own retry after an error, so the new stream is not cut off before it speaks", async () => {
    const s = await openGmv();
    await s.send('100.00');
    await s.wait(8_000);

    s.live.endWithError(CampaignProgressSubscription, 'live topic failed');
    expect(await s.untilResubscribed()).toBe(RESUBSCRIBE_AFTER_ERROR_MS);
    // Silent since: the watchdog waits a whole quiet bound from that subscribe, not from the last message
    // (which would end it 2.5 s in), and the error retry was no success nor a silence to the back-off.
    const waited = await s.untilResubscribed();
    expect(waited).toBeGreaterThanOrEqual(QUIET_STREAM_AFTER_MS + BACKOFF_MS[0]!);
    expect(waited).toBeLessThanOrEqual(QUIET_STREAM_AFTER_MS + BACKOFF_MS[0]! + JITTER_MS + STEP_MS);
    expect(s.live.variablesOf(STREAM)).toHaveLength(1);
    await s.send('250.00');
  });

  it('keeps its back-off through an error retry: only a message starts the delays over, only silence lengthens them', async () => {
    const s = await openGmv();
    await s.send('100.00');
    await s.untilResubscribed();
    await s.untilResubscribed(); // two silent attempts: the next waits the third delay

    s.live.endWithError(CampaignProgressSubscription, 'live topic failed');
    expect(await s.untilResubscribed()).toBe(RESUBSCRIBE_AFTER_ERROR_MS);
    const waited = await s.untilResubscribed();
    expect(waited).toBeGreaterThanOrEqual(QUIET_STREAM_AFTER_MS + BACKOFF_MS[2]!);
    expect(waited).toBeLessThanOrEqual(QUIET_STREAM_AFTER_MS + BACKOFF_MS[2]! + JITTER_MS + STEP_MS);
  });

  it("waits three of the server's own heartbeats, as its connection_ack states them, not three of the default", async () => {
    const s = await openGmv({ ack: { heartbeatMs: 20_000 } });
    expect(s.connection.heartbeatMs()).toBe(20_000);
    await s.send('100.00');

    await s.wait(16_000);
    expect(s.subscribes()).toBe(1); // past three default heartbeats, but not one missed of this server's
    await s.wait(60_000 - 16_000);
    expect(s.subscribes()).toBe(1);
    expect(await s.untilResubscribed()).toBeLessThanOrEqual(BACKOFF_MS[0]! + JITTER_MS + STEP_MS);
  });

  it('waits longer between attempts while it stays silent, and starts over once it speaks', async () => {
    const s = await openGmv();
    await s.send('100.00');

    const gaps: number[] = [];
    for (let attempt = 0; attempt < BACKOFF_MS.length; attempt += 1) gaps.push(await s.untilResubscribed());
    gaps.forEach((gap, attempt) => {
      const least = QUIET_STREAM_AFTER_MS + BACKOFF_MS[attempt]!;
      expect(gap).toBeGreaterThanOrEqual(least);
      expect(gap).toBeLessThanOrEqual(least + JITTER_MS + STEP_MS);
    });

    await s.send('200.00');
    expect(await s.untilResubscribed()).toBeLessThanOrEqual(QUIET_STREAM_AFTER_MS + BACKOFF_MS[0]! + JITTER_MS + STEP_MS);
  });
});
