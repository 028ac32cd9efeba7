import { describe, expect, it, vi } from 'vitest';
import { TodayMetricsSubscription } from '../features/war-room/war-room.documents';
import { useMockApi } from '../../test/msw';
import { startApi } from '../../test/render';
import { retryDelayMs } from './client';

useMockApi();

describe('reconnect back-off', () => {
  it('waits 0.5 s, 1 s, 2 s, then every 3 s, each with up to 0.3 s of jitter', () => {
    const random = vi.spyOn(Math, 'random');
    random.mockReturnValue(0);
    expect([0, 1, 2, 3, 10].map(retryDelayMs)).toEqual([500, 1_000, 2_000, 3_000, 3_000]);
    random.mockReturnValue(0.999);
    expect(retryDelayMs(0)).toBeCloseTo(799.7, 1);
    expect(retryDelayMs(10)).toBeLessThan(3_300);
    random.mockRestore();
  });
});

describe('the API clients', () => {
  it('report connected once the socket is acknowledged, reconnecting when it drops, and connected again', async () => {
    const { connection, live } = startApi();
    expect(connection.state()).toBe('connecting'); // not lazy: the socket opens with the page
    await vi.waitFor(() => expect(connection.state()).toBe('connected'));

    live.drop();
    await vi.waitFor(() => expect(connection.state()).toBe('reconnecting'));
    await vi.waitFor(() => expect(connection.state()).toBe('connected'), { timeout: 3_000 });
    expect(connection.connects()).toBe(2);
    expect(live.connections()).toBe(2);
  });

  it('shows a refused stream as an error and tries it again after a back-off, not at once and not never', async () => {
    const { clients, live } = startApi();
    const results: { error?: { message: string } }[] = [];
    const subscription = clients.urql.subscription(TodayMetricsSubscription, { campaignId: 'gone' }).subscribe((r) => results.push(r));
    await vi.waitFor(() => expect(live.isSubscribed('WarRoomToday')).toBe(true));

    // A subscribe that fails while the database restarts must not leave the screen dead for good.
    live.fail(TodayMetricsSubscription, 'database unavailable');
    await vi.waitFor(() => expect(results.at(-1)?.error?.message).toContain('database unavailable'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(live.isSubscribed('WarRoomToday')).toBe(false); // backing off (≥ 0.5 s), not hammering
    await vi.waitFor(() => expect(live.isSubscribed('WarRoomToday')).toBe(true), { timeout: 2_000 });
    subscription.unsubscribe();
  });
});
