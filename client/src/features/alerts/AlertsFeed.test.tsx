import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { delay, HttpResponse } from 'msw';
import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { acknowledgeResult, alert, alertChangedPayload, changed, MAY_MANAGE, NOW_WALL, openAlertsResult, READ_ONLY, type AlertFixture } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { renderWithProviders, startApi } from '../../../test/render';
import { answerViewer } from '../../../test/viewer';
import type { CredentialStore } from '../../auth/credential-store';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import { useI18n, type I18n } from '../../i18n/i18n';
import type { Locale } from '../../i18n/messages';
import { createViewerPermissions } from '../access/viewer.data';
import type { Permission } from '../access/viewer.documents';
import { AlertChangedSubscription, type AcknowledgeAlertMutation, type OpenAlertsQuery } from './alerts.documents';
import { AlertsFeed } from './AlertsFeed';

useMockApi();

// jsdom lays nothing out, so the panel never finds an alert it has no room for: a test says how many
// of the list's last items the wall's panel hides, as clipped.ts measures it in a browser.
const clip = vi.hoisted(() => ({ hidden: (() => 0) as () => number }));
vi.mock('../../components/clipped', async (original) => ({
  ...(await original<typeof import('../../components/clipped')>()),
  createClippedCount: () => () => clip.hidden(),
}));
afterEach(() => {
  clip.hidden = () => 0;
});

/** The feed as the screen wires it: permissions asked of the server with the screen's credential; the clock at NOW_WALL. */
function FeedForViewer(props: { credentials: CredentialStore; connects: () => number; onI18n: (i18n: I18n) => void; compact?: boolean }) {
  props.onI18n(useI18n());
  const permissions = createViewerPermissions(() => props.credentials.current());
  return <AlertsFeed permissions={permissions()} connects={props.connects} nowWall={NOW_WALL} compact={props.compact} />;
}

/**
 * Renders the feed for a viewer the server grants `permissions`, answered once `answered` resolves
 * (at once by default). Returns the live API and how many times the viewer was asked.
 */
function openFeed(options: { permissions: readonly Permission[]; locale?: Locale; answered?: Promise<void>; compact?: boolean }) {
  const asked = answerViewer(async () => {
    await options.answered;
    return options.permissions;
  });
  const testApi = startApi();
  let i18n!: I18n;
  renderWithProviders(() => <FeedForViewer credentials={testApi.credentials} connects={testApi.connection.connects} onI18n={(it) => (i18n = it)} compact={options.compact} />, {
    api: testApi,
    locale: options.locale ?? 'zh-CN',
  });
  return { ...testApi, viewerAsked: () => asked.length, setLocale: (locale: Locale) => i18n.setLocale(locale) };
}

const conversion = alert({ id: 'a-conv', severity: 'CRITICAL', subject: '天猫旗舰店', message: '近 60 分钟转化率 1.3%，下降 35.0%' });
const stock = alert({
  id: 'a-stock',
  rule: 'LOW_STOCK',
  severity: 'WARNING',
  subject: 'TM-001-1 保温杯 500ml',
  message: '库存 3 件，预警线 50 件',
  messageEn: '3 in stock (alert line 50)',
  value: 3,
  threshold: 50,
  raisedAt: '2026-11-11T03:59:00Z',
});
const roi = alert({
  id: 'a-roi',
  rule: 'ROI_BELOW_ONE',
  severity: 'WARNING',
  subject: '京东自营店 · JD · PAID',
  message: '今日 ROI 0.62',
  value: 0.62,
  threshold: 1,
  raisedAt: '2026-11-11T03:30:00Z',
});

/** Answers every WarRoomAlerts with `alerts`; returns how many times the feed asked. */
function openAlerts(...alerts: AlertFixture[]) {
  return openAlertsInTurn(() => alerts);
}

function openAlertsInTurn(answer: (asked: number) => AlertFixture[]) {
  const asked: string[] = [];
  server.use(
    api.query<ResultOf<typeof OpenAlertsQuery>, VariablesOf<typeof OpenAlertsQuery>>('WarRoomAlerts', ({ query }) => {
      asked.push(query);
      return HttpResponse.json({ data: openAlertsResult(answer(asked.length)) });
    }),
  );
  return asked;
}

const subjects = () => screen.queryAllByTestId('alert').map((li) => li.querySelector('.alert-subject')?.textContent);

type AckHandler = (id: string) => Promise<ResultOf<typeof AcknowledgeAlertMutation>> | ResultOf<typeof AcknowledgeAlertMutation>;

function acknowledgements(answer: AckHandler) {
  const asked: string[] = [];
  server.use(
    api.mutation<ResultOf<typeof AcknowledgeAlertMutation>, VariablesOf<typeof AcknowledgeAlertMutation>>('WarRoomAcknowledge', async ({ variables }) => {
      asked.push(variables.id);
      return HttpResponse.json({ data: await answer(variables.id) });
    }),
  );
  return asked;
}

const alertItem = (subject: string) => {
  const item = screen.getByTitle(subject, { exact: true }).closest('li');
  if (!item) throw new Error(`no alert about ${subject}`);
  return item;
};


/** Opens the feed and waits until it has loaded and listens for changes. */
async function openLiveFeed(options: Parameters<typeof openFeed>[0]) {
  const feed = openFeed(options);
  await vi.waitFor(() => expect(feed.live.isSubscribed('WarRoomAlertChanged')).toBe(true));
  await waitFor(() => expect(screen.getByTestId('alerts-feed').querySelector('.alerts, .empty')).not.toBeNull());
  return feed;
}

describe('AlertsFeed', () => {
  it('loads the unresolved alerts, most severe first, then newest, each with rule, figures and Beijing time', async () => {
    const asked = openAlerts(roi, conversion, stock);
    openFeed({ permissions: MAY_MANAGE });

    expect(await screen.findAllByTestId('alert')).toHaveLength(3);
    expect(asked[0]).toMatch(/statuses:\s*\[OPEN, ACKNOWLEDGED\]/);
    // CRITICAL first; the two WARNINGs newest first.
    expect(subjects()).toEqual(['天猫旗舰店', 'TM-001-1 保温杯 500ml', '京东自营店 · 京东 · 付费推广']);
    const feed = screen.getByTestId('alerts-feed');
    expect(within(feed).getByRole('heading')).toHaveTextContent('告警');
    expect(feed.querySelector('.count')).toHaveTextContent('3');

    const top = alertItem('天猫旗舰店');
    expect(top).toHaveClass('severity-critical');
    expect(top).toHaveTextContent('严重');
    expect(top).toHaveTextContent('转化率下跌');
    expect(top).toHaveTextContent('11:58:00');
    expect(top).toHaveTextContent('当前 35.0% · 阈值 30.0%');
    expect(alertItem('TM-001-1 保温杯 500ml')).toHaveClass('severity-warning');
    expect(alertItem('TM-001-1 保温杯 500ml')).toHaveTextContent('库存预警');
    expect(alertItem('TM-001-1 保温杯 500ml')).toHaveTextContent('库存 3 件，预警线 50 件');
    expect(alertItem('TM-001-1 保温杯 500ml')).toHaveTextContent('当前 3 件 · 阈值 50 件');
    expect(alertItem('京东自营店 · 京东 · 付费推广')).toHaveTextContent('ROI 低于 1');
    expect(alertItem('京东自营店 · 京东 · 付费推广')).toHaveTextContent('当前 0.62 · 阈值 1.00');
  });

  it('puts an incident nobody has claimed above the other critical alerts, with the minutes left to respond, and counts down to the fix once claimed', async () => {
    // NOW_WALL is 04:00:30Z: raised at 03:58:00, so 7:30 of its 10 minutes are left.
    const stalled = alert({
      id: 'a-stalled',
      rule: 'ORDERS_STALLED',
      subject: '京东自营店',
      message: '已 10 分钟没有支付订单',
      messageEn: 'No paid order for 10 min',
      value: 10,
      threshold: 10,
      raisedAt: '2026-11-11T03:58:00Z',
      incident: { startedAt: '2026-11-11T03:58:00Z', respondBy: '2026-11-11T04:08:00Z', fixBy: '2026-11-11T04:28:00Z' },
    });
    const late = alert({
      id: 'a-late',
      rule: 'LOW_STOCK',
      subject: 'TM-002-1 电热水壶',
      message: '库存 0 件，预警线 50 件，已售罄',
      messageEn: '0 in stock (alert line 50); sold out',
      value: 0,
      threshold: 50,
      raisedAt: '2026-11-11T03:40:00Z',
      incident: { startedAt: '2026-11-11T03:40:00Z', respondBy: '2026-11-11T03:50:00Z', fixBy: '2026-11-11T04:10:00Z' },
    });
    const claimed = changed(alert({ id: 'a-claimed', subject: '天猫旗舰店', raisedAt: '2026-11-11T03:59:00Z', incident: { startedAt: '2026-11-11T03:59:00Z', respondBy: '2026-11-11T04:09:00Z', fixBy: '2026-11-11T04:29:00Z' } }), 'ACKNOWLEDGED');
    openAlerts(conversion, claimed, stalled, late);
    openFeed({ permissions: MAY_MANAGE });

    expect(await screen.findAllByTestId('alert')).toHaveLength(4);
    // Unclaimed incidents first, the one due first on top; then the rest, newest first.
    expect(subjects()).toEqual(['TM-002-1 电热水壶', '京东自营店', '天猫旗舰店', '天猫旗舰店']);
    expect(within(alertItem('京东自营店')).getByTestId('incident-clock')).toHaveTextContent('待响应 7:30');
    expect(alertItem('京东自营店')).toHaveTextContent('下单中断');
    expect(alertItem('京东自营店')).toHaveTextContent('当前 10 分钟 · 阈值 10 分钟');
    expect(alertItem('京东自营店')).not.toHaveClass('unclaimed');
    const overdue = within(alertItem('TM-002-1 电热水壶')).getByTestId('incident-clock');
    expect(overdue).toHaveTextContent('响应超时 11 分钟');
    expect(overdue).toHaveClass('late');
    expect(alertItem('TM-002-1 电热水壶')).toHaveClass('unclaimed');
    const claimedItem = screen.getAllByTestId('alert').find((li) => li.dataset.status === 'ACKNOWLEDGED')!;
    expect(within(claimedItem).getByTestId('incident-clock')).toHaveTextContent('修复剩 28:30');
    // Not an incident: no clock.
    expect(screen.getAllByTestId('incident-clock')).toHaveLength(3);
  });

  it('names the rule, the figures and what the rule found in English when the screen is in English', async () => {
    openAlerts(stock);
    openFeed({ permissions: READ_ONLY, locale: 'en' });
    const item = (await screen.findAllByTestId('alert'))[0]!;
    expect(item).toHaveTextContent('Low stock');
    expect(item).toHaveTextContent('now 3 units · threshold 50 units');
    expect(item).toHaveTextContent('Warning');
    expect(item.querySelector('.alert-message')).toHaveTextContent(/^3 in stock \(alert line 50\)$/);
    expect(item).not.toHaveTextContent('预警线');
  });

  it.each([
    ['zh-CN', '已认领 · 张三 · 11-10 15:00'],
    ['en', 'Acknowledged · 张三 · 11-10 15:00'],
  ] as const)('dates an alert from an earlier Beijing day, and keeps today\'s to the clock time (%s)', async (locale, claimed) => {
    // Now is 12:00:30 on 11-11 in Beijing. 00:30 on 11-11 is today there, though still 11-10 in UTC.
    const lastNight = alert({ id: 'a-night', subject: '抖音旗舰店', raisedAt: '2026-11-10T16:30:00Z' });
    const yesterday = alert({
      id: 'a-old',
      severity: 'WARNING',
      subject: '拼多多店',
      raisedAt: '2026-11-10T06:05:00Z',
      status: 'ACKNOWLEDGED',
      acknowledgedAt: '2026-11-10T07:00:00Z',
      acknowledgedBy: '张三',
    });
    openAlerts(lastNight, yesterday);
    openFeed({ permissions: READ_ONLY, locale });
    await screen.findAllByTestId('alert');

    expect(alertItem('抖音旗舰店').querySelector('.alert-time')).toHaveTextContent(/^00:30:00$/);
    expect(alertItem('拼多多店').querySelector('.alert-time')).toHaveTextContent(/^11-10 14:05$/);
    expect(alertItem('拼多多店')).toHaveTextContent(claimed);
  });

  it('says which rules the wall has no room for, most severe first, as the panel’s cut moves, and not a resolved one fading out', async () => {
    const olderStock = alert({ id: 'a-stock-2', rule: 'LOW_STOCK', severity: 'WARNING', subject: 'JD-002-1 电热水壶', raisedAt: '2026-11-11T03:20:00Z' });
    const [hidden, setHidden] = createSignal(0);
    clip.hidden = hidden;
    openAlerts(roi, conversion, stock, olderStock);
    const { live, setLocale } = await openLiveFeed({ permissions: READ_ONLY });
    expect(subjects()).toEqual(['天猫旗舰店', 'TM-001-1 保温杯 500ml', '京东自营店 · 京东 · 付费推广', 'JD-002-1 电热水壶']);
    const feed = screen.getByTestId('alerts-feed');
    // Everything fits: no summary.
    expect(within(feed).queryByTestId('hidden-alerts')).not.toBeInTheDocument();

    setHidden(3); // the panel shows the conversion alert only
    const summary = within(feed).getByTestId('hidden-alerts');
    expect(summary).toHaveAttribute('title', '未显示：库存预警 ×2 · ROI 低于 1');
    expect(summary).toHaveTextContent(/^未显示：库存预警 ×2·ROI<1$/);
    expect([...summary.querySelectorAll('.hidden-rule')].map((g) => g.className)).toEqual(['hidden-rule severity-warning', 'hidden-rule severity-warning']);
    // It says which, in place of how many; the count of every open alert stays.
    expect(within(feed).queryByTestId('clipped-note')).not.toBeInTheDocument();
    expect(feed.querySelector('.count')).toHaveTextContent('4');

    setLocale('en');
    expect(within(feed).getByTestId('hidden-alerts')).toHaveAttribute('title', 'Not shown: Low stock ×2 · ROI below 1');
    setLocale('zh-CN');

    // Resolved, fading out at the foot: not something the room has yet to see.
    live.push(AlertChangedSubscription, alertChangedPayload('RESOLVED', changed(olderStock, 'RESOLVED')));
    await waitFor(() => expect(within(feed).getByTestId('hidden-alerts')).toHaveAttribute('title', '未显示：库存预警 · ROI 低于 1'));

    await waitFor(() => expect(subjects()).toHaveLength(3)); // gone; the panel measures again
    setHidden(1);
    expect(within(feed).getByTestId('hidden-alerts')).toHaveAttribute('title', '未显示：ROI 低于 1');
    setHidden(0);
    expect(within(feed).queryByTestId('hidden-alerts')).not.toBeInTheDocument();
  });

  it('shows no summary on the phone, which scrolls to every alert', async () => {
    clip.hidden = () => 2;
    openAlerts(conversion, stock, roi);
    openFeed({ permissions: READ_ONLY, compact: true });
    expect(await screen.findAllByTestId('alert')).toHaveLength(3);
    expect(screen.queryByTestId('hidden-alerts')).not.toBeInTheDocument();
    expect(screen.queryByTestId('clipped-note')).not.toBeInTheDocument();
  });

  it('says there is nothing open when the list is empty', async () => {
    openAlerts();
    openFeed({ permissions: MAY_MANAGE });
    expect(await screen.findByText('没有未处理的告警')).toBeInTheDocument();
  });

  it('shows a read-only viewer (a screen key, a VIEWER) every alert but no 认领', async () => {
    openAlerts(conversion, stock);
    const feed = openFeed({ permissions: READ_ONLY });

    expect(await screen.findAllByTestId('alert')).toHaveLength(2);
    await vi.waitFor(() => expect(feed.viewerAsked()).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the answer, READ only, has landed
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    expect(screen.getByTestId('alerts-feed')).not.toHaveTextContent('认领');
    expect(screen.getByTestId('alerts-feed').querySelector('.count')).toHaveTextContent('2');
  });

  it('shows the alerts at once but 认领 only once the server has said the viewer may manage', async () => {
    openAlerts(conversion);
    let answer: () => void = () => undefined;
    const feed = openFeed({ permissions: MAY_MANAGE, answered: new Promise((resolve) => (answer = resolve)) });

    await screen.findAllByTestId('alert');
    await vi.waitFor(() => expect(feed.viewerAsked()).toBe(1));
    expect(alertItem('天猫旗舰店')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();

    answer();
    expect(await within(alertItem('天猫旗舰店')).findByRole('button', { name: '认领' })).toBeEnabled();
    expect(feed.viewerAsked()).toBe(1);
  });

  it('lets a viewer who may manage acknowledge: the alert stays, saying who claimed it and when', async () => {
    openAlerts(conversion, stock);
    let confirm: () => void = () => undefined;
    const asked = acknowledgements(
      (id) =>
        new Promise((resolve) => {
          confirm = () => resolve(acknowledgeResult(id === conversion.id ? conversion : stock, [], '张三'));
        }),
    );
    openFeed({ permissions: MAY_MANAGE });

    await screen.findAllByRole('button', { name: '认领' });
    fireEvent.click(within(alertItem('天猫旗舰店')).getByRole('button', { name: '认领' }));
    const button = within(alertItem('天猫旗舰店')).getByRole('button');
    expect(button).toBeDisabled();
    expect(button).toHaveTextContent('认领中…');
    await vi.waitFor(() => expect(asked).toEqual([conversion.id]));

    confirm();
    // 11:58:01 in Beijing: a second after it was raised.
    await waitFor(() => expect(alertItem('天猫旗舰店')).toHaveTextContent('已认领 · 张三 · 11:58'));
    expect(within(alertItem('天猫旗舰店')).queryByRole('button')).not.toBeInTheDocument();
    expect(within(alertItem('TM-001-1 保温杯 500ml')).getByRole('button', { name: '认领' })).toBeEnabled();
    expect(screen.getByTestId('alerts-feed').querySelector('.count')).toHaveTextContent('2');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('keeps the alert and says why, in the screen\'s language, when the server refuses the acknowledgement', async () => {
    openAlerts(conversion);
    acknowledgements(() => acknowledgeResult(null, [{ code: 'NOT_FOUND', message: 'Alert not found', messageZh: '预警不存在' }]));
    openFeed({ permissions: MAY_MANAGE });

    fireEvent.click(await screen.findByRole('button', { name: '认领' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('认领失败：预警不存在');
    expect(screen.getByRole('alert')).not.toHaveTextContent('Alert not found');
    expect(alertItem('天猫旗舰店')).not.toHaveTextContent('已认领');
    // Ready to try again.
    expect(screen.getByRole('button', { name: '认领' })).toBeEnabled();
  });

  it('names the channel and source of an ROI alert as the screen does, in the language shown', async () => {
    const rectification = alert({ id: 'a-rect', rule: 'RECTIFICATION_OVERDUE', severity: 'WARNING', subject: '天猫旗舰店 2026-11-10 SOCIAL', message: '整改报告逾期', raisedAt: '2026-11-11T02:00:00Z' });
    openAlerts(roi, rectification, stock);
    const feed = openFeed({ permissions: MAY_MANAGE });
    expect(await screen.findAllByTestId('alert')).toHaveLength(3);
    expect(subjects()).toEqual(['TM-001-1 保温杯 500ml', '京东自营店 · 京东 · 付费推广', '天猫旗舰店 2026-11-10 社交分享']);

    feed.setLocale('en');
    expect(subjects()).toEqual(['TM-001-1 保温杯 500ml', '京东自营店 · JD · Paid ads', '天猫旗舰店 2026-11-10 Social']);
    feed.setLocale('zh-CN');
    expect(subjects()).toContain('京东自营店 · 京东 · 付费推广');
  });

  it('rewords the refusal when the screen is toggled to English after it, and back', async () => {
    openAlerts(conversion);
    acknowledgements(() => acknowledgeResult(null, [{ code: 'NOT_FOUND', message: 'Alert not found', messageZh: '预警不存在' }]));
    const feed = openFeed({ permissions: MAY_MANAGE });

    fireEvent.click(await screen.findByRole('button', { name: '认领' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/^认领失败：预警不存在$/);

    feed.setLocale('en');
    expect(screen.getByRole('alert')).toHaveTextContent(/^Could not acknowledge: Alert not found$/);
    expect(screen.getByRole('alert')).not.toHaveTextContent('预警不存在');

    feed.setLocale('zh-CN');
    expect(screen.getByRole('alert')).toHaveTextContent(/^认领失败：预警不存在$/);
  });

  it.each([
    { locale: 'zh-CN' as const, ack: '认领', says: '认领失败：此账号只有查看权限' },
    { locale: 'en' as const, ack: 'Acknowledge', says: 'Could not acknowledge: this account may only read' },
  ])('says in words ($locale) that the account may only read when the server answers FORBIDDEN', async ({ locale, ack, says }) => {
    // The screen was told MANAGE, but the server refuses (the grant changed since): its word is final.
    openAlerts(conversion);
    server.use(
      api.mutation('WarRoomAcknowledge', () =>
        HttpResponse.json({
          data: null,
          errors: [{ message: 'Not allowed: your credential does not permit Mutation.acknowledgeAlert', extensions: { code: 'FORBIDDEN' } }],
        }),
      ),
    );
    openFeed({ permissions: MAY_MANAGE, locale });

    fireEvent.click(await screen.findByRole('button', { name: ack }));
    expect(await screen.findByRole('alert')).toHaveTextContent(says);
    expect(screen.getByRole('alert')).not.toHaveTextContent('Not allowed');
    expect(alertItem('天猫旗舰店')).toBeInTheDocument();
  });

  it('keeps the alert and says why when the request itself fails', async () => {
    openAlerts(conversion);
    server.use(
      api.mutation('WarRoomAcknowledge', async () => {
        await delay(5);
        return HttpResponse.json({ errors: [{ message: 'Unexpected error.' }] });
      }),
    );
    openFeed({ permissions: MAY_MANAGE, locale: 'en' });

    fireEvent.click(await screen.findByRole('button', { name: 'Acknowledge' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/^Could not acknowledge: .*Unexpected error\./);
    expect(alertItem('天猫旗舰店')).toBeInTheDocument();
  });

  it('puts a newly raised alert in its rank by itself, and never lists one alert twice', async () => {
    openAlerts(stock);
    const { live } = await openLiveFeed({ permissions: READ_ONLY });
    expect(subjects()).toEqual(['TM-001-1 保温杯 500ml']);

    live.push(AlertChangedSubscription, alertChangedPayload('RAISED', conversion));
    await waitFor(() => expect(subjects()).toEqual(['天猫旗舰店', 'TM-001-1 保温杯 500ml']));
    expect(alertItem('天猫旗舰店')).toHaveTextContent('转化率下跌');

    // An older WARNING goes below the newer one; an alert already on screen is not listed again.
    live.push(AlertChangedSubscription, alertChangedPayload('RAISED', roi));
    live.push(AlertChangedSubscription, alertChangedPayload('RAISED', conversion));
    await waitFor(() => expect(subjects()).toEqual(['天猫旗舰店', 'TM-001-1 保温杯 500ml', '京东自营店 · 京东 · 付费推广']));
    expect(screen.getByTestId('alerts-feed').querySelector('.count')).toHaveTextContent('3');
  });

  it('raises the severity of an escalated alert in place, moving it up', async () => {
    openAlerts(conversion, stock);
    const { live } = await openLiveFeed({ permissions: READ_ONLY });
    const item = alertItem('TM-001-1 保温杯 500ml');

    live.push(AlertChangedSubscription, alertChangedPayload('ESCALATED', changed(stock, 'ESCALATED', { value: 0, message: '库存 0 件，预警线 50 件，已售罄' })));
    await waitFor(() => expect(item).toHaveClass('severity-critical'));
    expect(alertItem('TM-001-1 保温杯 500ml')).toBe(item); // the same item, changed in place
    expect(item).toHaveTextContent('严重');
    expect(item).toHaveTextContent('已售罄');
    // Both CRITICAL now: the newer first.
    expect(subjects()).toEqual(['TM-001-1 保温杯 500ml', '天猫旗舰店']);
  });

  it('shows who acknowledged an alert on another screen', async () => {
    openAlerts(conversion);
    const { live } = await openLiveFeed({ permissions: MAY_MANAGE });
    await within(alertItem('天猫旗舰店')).findByRole('button', { name: '认领' });

    live.push(AlertChangedSubscription, alertChangedPayload('ACKNOWLEDGED', changed(conversion, 'ACKNOWLEDGED', { acknowledgedBy: '张三', acknowledgedAt: '2026-11-11T04:03:00Z' })));
    await waitFor(() => expect(alertItem('天猫旗舰店')).toHaveTextContent('已认领 · 张三 · 12:03'));
    expect(within(alertItem('天猫旗舰店')).queryByRole('button')).not.toBeInTheDocument();
    expect(alertItem('天猫旗舰店')).toHaveAttribute('data-status', 'ACKNOWLEDGED');
  });

  it('takes a resolved alert off the list by itself, and an older copy of it does not bring it back', async () => {
    openAlerts(conversion, stock);
    const { live } = await openLiveFeed({ permissions: READ_ONLY });

    live.push(AlertChangedSubscription, alertChangedPayload('RESOLVED', changed(stock, 'RESOLVED')));
    // Counted out at once, gone once it has faded.
    await waitFor(() => expect(screen.getByTestId('alerts-feed').querySelector('.count')).toHaveTextContent('1'));
    await waitFor(() => expect(subjects()).toEqual(['天猫旗舰店']));

    live.push(AlertChangedSubscription, alertChangedPayload('RAISED', stock));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(subjects()).toEqual(['天猫旗舰店']);
  });

  it('reloads the list once after a reconnect, so an alert resolved while the socket was down leaves', async () => {
    const asked = openAlertsInTurn((n) => (n === 1 ? [conversion, stock] : [stock, roi]));
    const { live, connection } = await openLiveFeed({ permissions: READ_ONLY });
    expect(subjects()).toEqual(['天猫旗舰店', 'TM-001-1 保温杯 500ml']);
    expect(asked).toHaveLength(1);

    live.drop(); // the server restarts; meanwhile the conversion alert resolves and an ROI alert is raised
    await vi.waitFor(() => expect(connection.connects()).toBe(2), { timeout: 5_000 });
    await waitFor(() => expect(subjects()).toEqual(['TM-001-1 保温杯 500ml', '京东自营店 · 京东 · 付费推广']));
    expect(asked).toHaveLength(2);

    // And it keeps listening on the new socket.
    await vi.waitFor(() => expect(live.isSubscribed('WarRoomAlertChanged')).toBe(true));
    live.push(AlertChangedSubscription, alertChangedPayload('RAISED', alert({ id: 'a-new', subject: '抖音旗舰店', raisedAt: '2026-11-11T04:00:00Z' })));
    await waitFor(() => expect(subjects()[0]).toBe('抖音旗舰店'));
    expect(asked).toHaveLength(2);
  });

  it('asks again after a failed load, without waiting for a reconnect', async () => {
    const asked = answerAlertsAfterFailures(1, [conversion, stock]);
    const { live } = openFeed({ permissions: READ_ONLY });
    expect(await screen.findByText(/^告警加载失败：/)).toBeInTheDocument();

    await waitFor(() => expect(subjects()).toEqual(['天猫旗舰店', 'TM-001-1 保温杯 500ml']), { timeout: 3_000 });
    expect(screen.queryByText(/^告警加载失败：/)).not.toBeInTheDocument();
    expect(asked()).toBe(2);
    expect(live.connections()).toBe(1);
  });

  it('loads again the moment the socket first connects when the load before it failed', async () => {
    let down = true;
    const asked = answerAlertsWhile(() => down, [conversion]);
    const { live } = openFeed({ permissions: READ_ONLY });
    live.hold(); // the server is still starting: the socket opens but is not acknowledged
    expect(await screen.findByText(/^告警加载失败：/)).toBeInTheDocument();
    await waitFor(() => expect(asked()).toBe(2), { timeout: 2_000 }); // the first retry fails too; the next waits a second

    down = false;
    live.accept();
    await waitFor(() => expect(subjects()).toEqual(['天猫旗舰店']), { timeout: 700 });
    expect(asked()).toBe(3);
  });

  it('says why the load failed in the language the screen is toggled to, after the failure', async () => {
    server.use(
      api.query('WarRoomAlerts', () =>
        HttpResponse.json({ errors: [{ message: 'your credential does not cover this shop', extensions: { code: 'FORBIDDEN', reason: 'FORBIDDEN', messageZh: '你的凭证未覆盖此店铺' } }] }),
      ),
    );
    const feed = openFeed({ permissions: READ_ONLY });
    expect(await screen.findByRole('alert')).toHaveTextContent(/^告警加载失败：你的凭证未覆盖此店铺$/);

    feed.setLocale('en');
    expect(screen.getByRole('alert')).toHaveTextContent(/^Could not load alerts: \[GraphQL\] your credential does not cover this shop$/);
    expect(screen.getByRole('alert')).not.toHaveTextContent('店铺');

    feed.setLocale('zh-CN');
    expect(screen.getByRole('alert')).toHaveTextContent(/^告警加载失败：你的凭证未覆盖此店铺$/);
  });
});

/** WarRoomAlerts answers 500 `failures` times, then `alerts`; returns how many times the feed asked. */
function answerAlertsAfterFailures(failures: number, alerts: AlertFixture[]) {
  let n = 0;
  return answerAlertsWhile(() => n++ < failures, alerts);
}

function answerAlertsWhile(failing: () => boolean, alerts: AlertFixture[]) {
  let asked = 0;
  server.use(
    api.query<ResultOf<typeof OpenAlertsQuery>, VariablesOf<typeof OpenAlertsQuery>>('WarRoomAlerts', () => {
      asked += 1;
      if (failing()) return HttpResponse.json({ errors: [{ message: 'Unexpected error.' }] }, { status: 500 });
      return HttpResponse.json({ data: openAlertsResult(alerts) });
    }),
  );
  return () => asked;
}
