import { HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import type { RefreshSessionMutation, SignInMutation } from '../auth/auth.documents';
import { CampaignsQuery, TodayMetricsSubscription } from '../features/war-room/war-room.documents';
import { campaign, campaignsResult, refreshResult, sessionGrant, signInResult, storedSession, todayPayload } from '../../test/fixtures';
import { api, server, useMockApi } from '../../test/msw';
import { startApi, TEST_KEY, urqlOf } from '../../test/render';
import type { ResultOf, VariablesOf } from './graphql';
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
    const testApi = startApi();
    const { live } = testApi;
    const results: { data?: unknown; error?: { message: string } }[] = [];
    const subscription = urqlOf(testApi).subscription(TodayMetricsSubscription, { campaignId: 'gone' }).subscribe((r) => results.push(r));
    await vi.waitFor(() => expect(live.isSubscribed('WarRoomToday')).toBe(true));

    // A subscribe that fails while the database restarts must not leave the screen dead for good.
    live.fail(TodayMetricsSubscription, 'database unavailable');
    await vi.waitFor(() => expect(results.at(-1)?.error?.message).toContain('database unavailable'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(live.isSubscribed('WarRoomToday')).toBe(false); // backing off (≥ 0.5 s), not hammering
    await vi.waitFor(() => expect(live.isSubscribed('WarRoomToday')).toBe(true), { timeout: 2_000 });

    // The retry's first figures end the error: urql would otherwise carry it over into every later result.
    live.push(TodayMetricsSubscription, todayPayload());
    await vi.waitFor(() => expect(results.at(-1)?.data).toBeDefined());
    expect(results.at(-1)?.error).toBeUndefined();
    subscription.unsubscribe();
  });
});

/** refreshSession hands out the next pair of tokens each time it is asked; returns the refresh tokens presented. */
function answerRefreshes() {
  const asked: string[] = [];
  server.use(
    api.mutation<ResultOf<typeof RefreshSessionMutation>, VariablesOf<typeof RefreshSessionMutation>>('RefreshSession', ({ variables }) => {
      asked.push(variables.refreshToken);
      return HttpResponse.json({ data: refreshResult(sessionGrant(asked.length + 1)) });
    }),
  );
  return asked;
}

/** WarRoomCampaigns answers only the access tokens in `valid` (401 UNAUTHENTICATED otherwise); returns each Authorization seen. */
function answerCampaignsFor(valid: readonly string[]) {
  const seen: (string | null)[] = [];
  server.use(
    api.query<ResultOf<typeof CampaignsQuery>>('WarRoomCampaigns', ({ request }) => {
      const authorization = request.headers.get('authorization');
      seen.push(authorization);
      if (!valid.some((token) => authorization === `Bearer ${token}`)) {
        return HttpResponse.json({ errors: [{ message: 'A valid credential is required', extensions: { code: 'UNAUTHENTICATED' } }] }, { status: 401 });
      }
      return HttpResponse.json({ data: campaignsResult([campaign()]) });
    }),
  );
  return seen;
}

describe('the credential on the wire', () => {
  it('goes with every HTTP request and in connectionParams of every socket', async () => {
    const seen = answerCampaignsFor([TEST_KEY]);
    const testApi = startApi();
    const { connection, live } = testApi;
    const result = await urqlOf(testApi).query(CampaignsQuery, {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(seen).toEqual([`Bearer ${TEST_KEY}`]);

    await vi.waitFor(() => expect(connection.state()).toBe('connected'));
    live.drop();
    await vi.waitFor(() => expect(live.connections()).toBe(2), { timeout: 3_000 });
    await vi.waitFor(() => expect(live.authorizations()).toEqual([`Bearer ${TEST_KEY}`, `Bearer ${TEST_KEY}`]));
  });

  it('after a 4403 the socket comes back with the refreshed access token, reconnecting in between', async () => {
    const refreshed = answerRefreshes();
    const { connection, credentials, live } = startApi({ credential: storedSession(1) });
    await vi.waitFor(() => expect(connection.state()).toBe('connected'));
    live.acceptOnly((authorization) => authorization !== 'Bearer access-1'); // the server's view once access-1 expired

    live.forbid(); // the access token expired (or was revoked) while connected
    await vi.waitFor(() => expect(connection.state()).toBe('reconnecting'));
    await vi.waitFor(() => expect(connection.state()).toBe('connected'), { timeout: 3_000 });
    expect(refreshed).toEqual(['refresh-1']);
    expect(credentials.bearer()).toBe('access-2');
    expect(live.authorizations()).toEqual(['Bearer access-1', 'Bearer access-2']);
  });

  it('when the server closes the socket as the old token expires, it reconnects with the token refreshed ahead of time', async () => {
    const refreshed = answerRefreshes();
    const { connection, credentials, live } = startApi({ credential: storedSession(1, 2_000) }); // refreshed at ~1 s
    await vi.waitFor(() => expect(credentials.bearer()).toBe('access-2'), { timeout: 3_000 });
    expect(connection.state()).toBe('connected');

    live.forbid(); // access-1, which the socket opened with, has expired
    await vi.waitFor(() => expect(live.authorizations()).toEqual(['Bearer access-1', 'Bearer access-2']), { timeout: 3_000 });
    await vi.waitFor(() => expect(connection.state()).toBe('connected'));
    expect(refreshed).toEqual(['refresh-1']); // nothing more to refresh: the new token was already there
  });

  it('a key refused at connect is dropped, and the socket stops trying instead of hammering the server', async () => {
    const { credentials, live } = startApi();
    live.acceptOnly(() => false);
    live.drop(); // say the key was revoked while the server restarted
    await vi.waitFor(() => expect(credentials.current()).toBeNull(), { timeout: 3_000 });
    expect(credentials.notice()).toBe('keyRefused');
    const attempts = live.connections();
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // longer than two back-offs
    expect(live.connections()).toBe(attempts);
  });

  it('moves to a key link typed into the open screen: the old socket is closed, the next one opens with the new key and every stream resubscribes on it', async () => {
    const testApi = startApi();
    const { connection, live } = testApi;
    const subscription = urqlOf(testApi).subscription(TodayMetricsSubscription, { campaignId: 'c-1111' }).subscribe(() => undefined);
    await vi.waitFor(() => expect(live.isSubscribed('WarRoomToday')).toBe(true));

    // The same page with another fragment: the browser fires hashchange, and the socket stays open by itself.
    history.pushState(null, '', '/#key=pk_live_wall_9');
    window.dispatchEvent(new HashChangeEvent('hashchange'));

    await vi.waitFor(() => expect(live.authorizations()).toEqual([`Bearer ${TEST_KEY}`, 'Bearer pk_live_wall_9']), { timeout: 3_000 });
    await vi.waitFor(() => expect(connection.state()).toBe('connected'));
    expect(live.openAuthorizations()).toEqual(['Bearer pk_live_wall_9']);
    await vi.waitFor(() => expect(live.variablesOf('WarRoomToday')).toEqual([{ campaignId: 'c-1111' }]));
    subscription.unsubscribe();
  });

  it('moves to whoever signs in after a screen key was signed out of, rather than go on with the key\'s socket', async () => {
    server.use(api.mutation<ResultOf<typeof SignInMutation>, VariablesOf<typeof SignInMutation>>('SignIn', () => HttpResponse.json({ data: signInResult(sessionGrant(1)) })));
    const { connection, credentials, live } = startApi();
    await vi.waitFor(() => expect(connection.state()).toBe('connected'));

    await credentials.signOut(); // a key has no server session: nothing closes its socket
    expect(await credentials.signIn('wang.lei@example.com', 'correct horse battery')).toBeNull();
    await vi.waitFor(() => expect(live.openAuthorizations()).toEqual(['Bearer access-1']), { timeout: 3_000 });
  });

  it('asks a new principal\'s question with its credential, even while the same question is still under way for the previous one', async () => {
    const seen: (string | null)[] = [];
    let answerOldKey = () => {};
    const oldKeyAnswered = new Promise<void>((resolve) => (answerOldKey = resolve));
    server.use(
      api.query<ResultOf<typeof CampaignsQuery>>('WarRoomCampaigns', async ({ request }) => {
        const authorization = request.headers.get('authorization');
        seen.push(authorization);
        if (authorization === `Bearer ${TEST_KEY}`) await oldKeyAnswered;
        return HttpResponse.json({ data: campaignsResult([campaign({ id: authorization === `Bearer ${TEST_KEY}` ? 'c-old-key' : 'c-new-key' })]) });
      }),
    );
    const testApi = startApi();
    // A page still waiting for the old key's answer when the key changes (urql keys a query by its text
    // and variables: the same key for both credentials).
    const stillWaiting = urqlOf(testApi).query(CampaignsQuery, {}).subscribe(() => undefined);
    await vi.waitFor(() => expect(seen).toEqual([`Bearer ${TEST_KEY}`]));
    history.pushState(null, '', '/#key=pk_live_wall_9');
    window.dispatchEvent(new HashChangeEvent('hashchange'));

    const asked = urqlOf(testApi).query(CampaignsQuery, {}).toPromise();
    answerOldKey();
    expect((await asked).data?.campaigns.edges.map((e) => e.node.id)).toEqual(['c-new-key']);
    expect(seen).toEqual([`Bearer ${TEST_KEY}`, 'Bearer pk_live_wall_9']);
    stillWaiting.unsubscribe();
    // The socket moved to the new key too: let it come back before the test ends (no retry left pending).
    await vi.waitFor(() => expect(testApi.live.openAuthorizations()).toEqual(['Bearer pk_live_wall_9']), { timeout: 3_000 });
  });

  it('keeps its socket while a session is refreshed: same person, same access, and the server closes the old token\'s socket itself', async () => {
    answerRefreshes();
    const { connection, credentials, live } = startApi({ credential: storedSession(1, 2_000) }); // refreshed at ~1 s
    await vi.waitFor(() => expect(connection.state()).toBe('connected'));
    await vi.waitFor(() => expect(credentials.bearer()).toBe('access-2'), { timeout: 3_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // longer than the back-off a restart would wait
    expect(live.connections()).toBe(1);
    expect(live.openAuthorizations()).toEqual(['Bearer access-1']);
  });

  it('a 401 over HTTP refreshes the session once and sends the request again', async () => {
    const refreshed = answerRefreshes();
    const seen = answerCampaignsFor(['access-2']);
    const testApi = startApi({ credential: storedSession(1) });
    const { credentials } = testApi;

    const result = await urqlOf(testApi).query(CampaignsQuery, {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data?.campaigns.edges).toHaveLength(1);
    expect(seen).toEqual(['Bearer access-1', 'Bearer access-2']);
    expect(refreshed).toEqual(['refresh-1']);
    expect(credentials.bearer()).toBe('access-2');
  });

  it('a second 401 after the refresh gives up: the session is dropped and the sign-in page is next', async () => {
    const refreshed = answerRefreshes();
    const seen = answerCampaignsFor([]);
    const testApi = startApi({ credential: storedSession(1) });
    const { credentials } = testApi;

    const result = await urqlOf(testApi).query(CampaignsQuery, {}).toPromise();
    expect(result.error).toBeDefined();
    expect(seen).toEqual(['Bearer access-1', 'Bearer access-2']);
    expect(refreshed).toEqual(['refresh-1']);
    expect(credentials.current()).toBeNull();
    expect(credentials.notice()).toBe('sessionEnded');
  });
});
