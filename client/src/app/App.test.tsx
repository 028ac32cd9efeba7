import { fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { alert, campaign, campaignsResult, MAY_MANAGE, openAlertsResult, READ_ONLY, sessionGrant, signInResult, storedSession } from '../../test/fixtures';
import { openConsole, product } from '../../test/console';
import { api, server, useMockApi } from '../../test/msw';
import { startApi, TEST_KEY, type StartApiOptions } from '../../test/render';
import { answerViewer } from '../../test/viewer';
import type { SignInMutation } from '../auth/auth.documents';
import type { ResultOf, VariablesOf } from '../graphql/graphql';
import type { ProductsQuery } from '../features/products/products.documents';
import type { ConsoleShopsQuery } from '../features/reports/reports.documents';
import type { CampaignsQuery } from '../features/war-room/war-room.documents';
import { App } from './App';

useMockApi();

const ended = campaign({ id: 'c-618', name: '618 年中大促', status: 'ENDED', endsAt: '2026-06-18T16:00:00Z' });
const active = campaign({ id: 'c-1111', name: '双11 主会场', status: 'ACTIVE' });

const conversionAlert = alert({ subject: '天猫旗舰店' });

/** The campaigns listed, no milestones, one open alert; a screen key (or anyone) may only read unless a test says otherwise. */
function campaigns(list: ReturnType<typeof campaign>[]) {
  server.use(
    api.query<ResultOf<typeof CampaignsQuery>>('WarRoomCampaigns', () => HttpResponse.json({ data: campaignsResult(list) })),
    api.query('WarRoomMilestones', () => HttpResponse.json({ data: { campaign: null } })),
    api.query('WarRoomAlerts', () => HttpResponse.json({ data: openAlertsResult([conversionAlert]) })),
  );
  answerViewer(() => READ_ONLY);
}

function openApp(options: StartApiOptions = {}) {
  const testApi = startApi(options);
  render(() => <App clients={testApi.clients} connection={testApi.connection} credentials={testApi.credentials} staleAfterMs={8_000} />);
  return testApi;
}

const streamedCampaign = async (live: ReturnType<typeof startApi>['live']) => {
  await vi.waitFor(() => expect(live.isSubscribed('WarRoomProgress')).toBe(true));
  return live.variablesOf('WarRoomProgress').map((v) => v.campaignId);
};

describe('App', () => {
  it('says it is connecting, then opens the active campaign', async () => {
    campaigns([ended, active]);
    const { live } = openApp();
    expect(screen.getByText('正在连接实时数据…')).toBeInTheDocument();
    expect(await screen.findByTestId<HTMLSelectElement>('campaign-picker')).toHaveValue('c-1111');
    expect(await streamedCampaign(live)).toEqual(['c-1111']);
  });

  it('opens the campaign named in ?campaign=', async () => {
    history.replaceState(null, '', '/?campaign=c-618');
    campaigns([ended, active]);
    const { live } = openApp();
    expect(await streamedCampaign(live)).toEqual(['c-618']);
  });

  it('falls back to the active campaign for an unknown ?campaign=, with only its streams open', async () => {
    history.replaceState(null, '', '/?campaign=c-gone');
    campaigns([ended, active]);
    const { live } = openApp();
    await waitFor(() => expect(live.variablesOf('WarRoomProgress')).toEqual([{ campaignId: 'c-1111' }]));
    expect(live.variablesOf('WarRoomToday')).toEqual([{ campaignId: 'c-1111' }]);
    expect(screen.getByTestId<HTMLSelectElement>('campaign-picker')).toHaveValue('c-1111');
  });

  it('switches the war room to the campaign picked, and keeps it in the URL', async () => {
    campaigns([ended, active]);
    const { live } = openApp();
    const picker = await screen.findByTestId<HTMLSelectElement>('campaign-picker');
    await streamedCampaign(live);

    fireEvent.change(picker, { target: { value: 'c-618' } });
    // The old campaign's streams are closed, not left running beside the new ones.
    await waitFor(() => expect(live.variablesOf('WarRoomProgress')).toEqual([{ campaignId: 'c-618' }]));
    expect(live.variablesOf('WarRoomToday')).toEqual([{ campaignId: 'c-618' }]);
    expect(new URLSearchParams(location.search).get('campaign')).toBe('c-618');
    expect(screen.getByTestId<HTMLSelectElement>('campaign-picker')).toHaveValue('c-618');
  });

  it('asks for a campaign to be created when there is none', async () => {
    campaigns([]);
    openApp();
    expect(await screen.findByText('暂无活动。请先创建一个大促活动。')).toBeInTheDocument();
  });

  it('keeps asking for the campaigns after a failed start-up, saying it is connecting, and opens the war room once they answer', async () => {
    const asked: number[] = [];
    server.use(
      api.query<ResultOf<typeof CampaignsQuery>>('WarRoomCampaigns', () => {
        asked.push(asked.length + 1);
        // A server not up yet (a kiosk restarting after a power cut), then up.
        return asked.length === 1 ? HttpResponse.error() : HttpResponse.json({ data: campaignsResult([ended, active]) });
      }),
      api.query('WarRoomMilestones', () => HttpResponse.json({ data: { campaign: null } })),
      api.query('WarRoomAlerts', () => HttpResponse.json({ data: openAlertsResult([]) })),
    );
    answerViewer(() => READ_ONLY);
    const { live } = openApp();
    expect(await screen.findByText(/^加载失败：.*正在重试…$/)).toBeInTheDocument();
    expect(screen.getByText('正在连接实时数据…')).toBeInTheDocument();

    expect(await screen.findByTestId<HTMLSelectElement>('campaign-picker', {}, { timeout: 3_000 })).toHaveValue('c-1111');
    expect(asked).toEqual([1, 2]);
    expect(screen.queryByText(/^加载失败：/)).not.toBeInTheDocument();
    expect(await streamedCampaign(live)).toEqual(['c-1111']);
  });

  it('says what went wrong when the campaigns cannot be loaded', async () => {
    server.use(api.query('WarRoomCampaigns', () => HttpResponse.json({ errors: [{ message: 'Not authorised' }] })));
    answerViewer(() => READ_ONLY);
    openApp();
    expect(await screen.findByText(/^加载失败：.*Not authorised/)).toBeInTheDocument();
  });

  it.each([
    { lang: 'zh-CN', says: /^加载失败：此凭据无权查看活动。正在重试…$/ },
    { lang: 'en', says: /^Failed to load: \[GraphQL\] this credential may not read campaigns\. Retrying…$/ },
  ])('says an expected failure of the campaigns in the screen’s language ($lang)', async ({ lang, says }) => {
    history.replaceState(null, '', `/?lang=${lang}`);
    server.use(
      api.query('WarRoomCampaigns', () =>
        HttpResponse.json({ errors: [{ message: 'this credential may not read campaigns', extensions: { code: 'FORBIDDEN', reason: 'FORBIDDEN', messageZh: '此凭据无权查看活动' } }] }),
      ),
    );
    answerViewer(() => READ_ONLY);
    openApp();
    expect(await screen.findByText(says)).toBeInTheDocument();
  });
});

/** signIn answers with `answer`; returns the Authorization each campaigns query carried. */
function answerSignIn(answer: Parameters<typeof signInResult>[0]) {
  const campaignsAsked: (string | null)[] = [];
  server.use(
    api.mutation<ResultOf<typeof SignInMutation>, VariablesOf<typeof SignInMutation>>('SignIn', () => HttpResponse.json({ data: signInResult(answer) })),
    api.query<ResultOf<typeof CampaignsQuery>>('WarRoomCampaigns', ({ request }) => {
      campaignsAsked.push(request.headers.get('authorization'));
      return HttpResponse.json({ data: campaignsResult([active]) });
    }),
  );
  return campaignsAsked;
}

function signIn(email: string, password: string) {
  fireEvent.input(screen.getByLabelText('邮箱'), { target: { value: email } });
  fireEvent.input(screen.getByLabelText('密码'), { target: { value: password } });
  fireEvent.submit(screen.getByTestId('sign-in').querySelector('form')!);
}

describe('App access', () => {
  it('shows the sign-in page without a credential, and opens no socket until someone signs in', async () => {
    const campaignsAsked = answerSignIn(sessionGrant(1));
    server.use(api.query('WarRoomMilestones', () => HttpResponse.json({ data: { campaign: null } })), api.query('WarRoomAlerts', () => HttpResponse.json({ data: openAlertsResult([]) })));
    answerViewer(() => READ_ONLY);
    const { live } = openApp({ credential: null });
    expect(screen.getByRole('heading', { name: '登录' })).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(live.connections()).toBe(0);

    signIn('wang.lei@example.com', 'correct horse battery');
    expect(await screen.findByTestId<HTMLSelectElement>('campaign-picker')).toHaveValue('c-1111');
    expect(screen.queryByTestId('sign-in')).not.toBeInTheDocument();
    expect(campaignsAsked).toEqual(['Bearer access-1']);
    await streamedCampaign(live);
    expect(live.authorizations()).toEqual(['Bearer access-1']);
    expect(screen.getByTestId('account-name')).toHaveTextContent('王磊');
  });

  it('stays on the sign-in page with the reason in words after a wrong password', async () => {
    answerSignIn({ code: 'INVALID_CREDENTIALS', message: 'email or password is wrong' });
    openApp({ credential: null });
    signIn('wang.lei@example.com', 'not my password');
    expect(await screen.findByTestId('sign-in-error')).toHaveTextContent('邮箱或密码错误。');
    expect(screen.queryByTestId('campaign-picker')).not.toBeInTheDocument();
  });

  it('takes a kiosk link\'s key out of the address bar, never shows it, and offers no sign-out', async () => {
    history.replaceState(null, '', '/#key=pk_live_wall_7');
    campaigns([ended, active]);
    const { live } = openApp();
    expect(location.hash).toBe('');
    await streamedCampaign(live);
    expect(live.authorizations()).toEqual(['Bearer pk_live_wall_7']);
    expect(document.body.textContent).not.toContain('pk_live_wall_7');
    expect(screen.queryByTestId('sign-out')).not.toBeInTheDocument();
  });

  it('shows the sign-in page, saying why, when the server refuses the screen\'s key', async () => {
    const refused = { errors: [{ message: 'A valid credential is required', extensions: { code: 'UNAUTHENTICATED' } }] };
    server.use(
      api.query('WarRoomCampaigns', () => HttpResponse.json(refused, { status: 401 })),
      api.query('WarRoomViewer', () => HttpResponse.json(refused, { status: 401 })),
    );
    openApp();
    expect(await screen.findByTestId('sign-in-notice')).toHaveTextContent('此屏幕的访问密钥已被拒绝');
    expect(document.body.textContent).not.toContain(TEST_KEY);
  });

  it('signs a staff member out: signOut on the server, the store emptied, the sign-in page back', async () => {
    const signedOut: (string | null)[] = [];
    campaigns([ended, active]);
    server.use(
      api.mutation('SignOut', ({ request }) => {
        signedOut.push(request.headers.get('authorization'));
        return HttpResponse.json({ data: { signOut: { userErrors: [] } } });
      }),
    );
    const { credentials, connection } = openApp({ credential: storedSession(1) });
    await waitFor(() => expect(connection.state()).toBe('connected'));
    fireEvent.click(await screen.findByTestId('sign-out'));

    expect(await screen.findByRole('heading', { name: '登录' })).toBeInTheDocument();
    expect(screen.queryByTestId('sign-in-notice')).not.toBeInTheDocument();
    expect(credentials.current()).toBeNull();
    await waitFor(() => expect(signedOut).toEqual(['Bearer access-1']));
    expect(connection.state()).toBe('connecting');
  });
});

describe('App with a credential switched under it', () => {
  it('shows only the new key\'s data after a key link is typed into the open screen: campaigns, alerts and milestones asked again, streams moved to its socket', async () => {
    const otherKey = 'pk_live_wall_9';
    const otherKeysAlert = alert({ id: 'a-jd', subject: '京东自营店' });
    // Each key sees its own shops: the old key a Tmall campaign and alert, the new one a JD campaign and alert.
    const byKey = (request: Request) => request.headers.get('authorization') === `Bearer ${otherKey}`;
    const milestonesAsked: (string | null)[] = [];
    server.use(
      api.query<ResultOf<typeof CampaignsQuery>>('WarRoomCampaigns', ({ request }) => HttpResponse.json({ data: campaignsResult(byKey(request) ? [ended] : [active]) })),
      api.query('WarRoomMilestones', ({ request }) => {
        milestonesAsked.push(request.headers.get('authorization'));
        return HttpResponse.json({ data: { campaign: null } });
      }),
      api.query('WarRoomAlerts', ({ request }) => HttpResponse.json({ data: openAlertsResult(byKey(request) ? [otherKeysAlert] : [conversionAlert]) })),
    );
    answerViewer(() => READ_ONLY);
    const { live } = openApp();
    expect(await screen.findByText('天猫旗舰店')).toBeInTheDocument();
    expect(await streamedCampaign(live)).toEqual(['c-1111']);

    history.pushState(null, '', '/#key=pk_live_wall_9');
    window.dispatchEvent(new HashChangeEvent('hashchange'));

    expect(await screen.findByText('京东自营店')).toBeInTheDocument();
    expect(screen.queryByText('天猫旗舰店')).not.toBeInTheDocument();
    expect(screen.getByTestId<HTMLSelectElement>('campaign-picker')).toHaveValue('c-618');
    await vi.waitFor(() => expect(milestonesAsked.at(-1)).toBe(`Bearer ${otherKey}`));
    await vi.waitFor(() => expect(live.openAuthorizations()).toEqual([`Bearer ${otherKey}`]), { timeout: 3_000 });
    await vi.waitFor(() => expect(live.variablesOf('WarRoomProgress')).toEqual([{ campaignId: 'c-618' }]));
  });
});

describe('the console with a credential switched under it', () => {
  const tmall = { id: 'U2hvcDox', name: '天猫旗舰店', platform: 'TMALL' as const };
  const jd = { id: 'U2hvcDoy', name: '京东自营店', platform: 'JD' as const };

  it('is rebuilt for a key link typed into it: shops and products asked again with the new key, even while the old key\'s shops were still on their way', async () => {
    const otherKey = 'pk_live_console_9';
    const byKey = (request: Request) => request.headers.get('authorization') === `Bearer ${otherKey}`;
    let answerOldKey = () => {};
    const oldKeyAnswered = new Promise<void>((resolve) => (answerOldKey = resolve));
    const shopsAsked: (string | null)[] = [];
    const productsAsked: string[] = [];
    openConsole('/console/products');
    server.use(
      api.query<ResultOf<typeof ConsoleShopsQuery>>('ConsoleShops', async ({ request }) => {
        shopsAsked.push(request.headers.get('authorization'));
        if (!byKey(request)) await oldKeyAnswered; // a slow answer for the old key, still on its way at the switch
        return HttpResponse.json({ data: { shops: { edges: [{ node: byKey(request) ? jd : tmall }] } } });
      }),
      api.query<ResultOf<typeof ProductsQuery>, VariablesOf<typeof ProductsQuery>>('ConsoleProducts', ({ request, variables }) => {
        productsAsked.push(`${variables.filter.shopIds?.join()} ${request.headers.get('authorization')}`);
        const node = product({ name: byKey(request) ? '京东羽绒服' : '天猫T恤' });
        return HttpResponse.json({ data: { products: { totalCount: 1, pageInfo: { hasNextPage: false, endCursor: null }, edges: [{ node }] } } });
      }),
    );
    await waitFor(() => expect(shopsAsked).toEqual([`Bearer ${TEST_KEY}`]));

    history.pushState(null, '', `/console/products#key=${otherKey}`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    answerOldKey();

    expect(await screen.findByText('京东羽绒服')).toBeInTheDocument();
    expect(screen.getByTestId<HTMLSelectElement>('product-shop')).toHaveValue(jd.id);
    expect(shopsAsked).toEqual([`Bearer ${TEST_KEY}`, `Bearer ${otherKey}`]);
    expect(productsAsked).toEqual([`${jd.id} Bearer ${otherKey}`]);
    expect(screen.queryByText('天猫旗舰店')).not.toBeInTheDocument();
  });
});

describe('App permissions', () => {
  const ackButton = () => screen.queryByRole('button', { name: '认领' });

  it('shows a read-only screen key its alerts without 认领, asking what it may do once, not per campaign', async () => {
    campaigns([ended, active]);
    const asked = answerViewer(() => READ_ONLY);
    const { live } = openApp();
    expect(await screen.findByText('天猫旗舰店')).toBeInTheDocument();
    await streamedCampaign(live);

    fireEvent.change(screen.getByTestId('campaign-picker'), { target: { value: 'c-618' } });
    await waitFor(() => expect(live.variablesOf('WarRoomProgress')).toEqual([{ campaignId: 'c-618' }]));
    expect(await screen.findByText('天猫旗舰店')).toBeInTheDocument();
    expect(ackButton()).not.toBeInTheDocument();
    expect(asked).toEqual([`Bearer ${TEST_KEY}`]);
  });

  it('shows 认领 to a staff member who may manage, and asks again for whoever signs in next', async () => {
    campaigns([active]);
    server.use(api.mutation('SignOut', () => HttpResponse.json({ data: { signOut: { userErrors: [] } } })));
    const asked = answerViewer((bearer) => (bearer === 'access-1' ? MAY_MANAGE : READ_ONLY));
    openApp({ credential: { ...storedSession(1), user: { id: 'VXNlcjoxMDI=', name: '李娜', role: 'OPERATOR' } } });
    expect(await screen.findByRole('button', { name: '认领' })).toBeEnabled();

    fireEvent.click(screen.getByTestId('sign-out'));
    answerSignIn(sessionGrant(2));
    signIn('wang.lei@example.com', 'correct horse battery');
    expect(await screen.findByText('天猫旗舰店')).toBeInTheDocument();
    await waitFor(() => expect(asked).toEqual(['Bearer access-1', 'Bearer access-2']));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the VIEWER's answer, READ only, has landed
    expect(ackButton()).not.toBeInTheDocument();
  });
});
