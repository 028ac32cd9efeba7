import { maskFragments } from 'gql.tada';
import type { ResultOf } from '../src/graphql/graphql';
import { SessionFields, type RefreshSessionMutation, type SignInMutation } from '../src/auth/auth.documents';
import type { SessionCredential } from '../src/auth/credential';
import { AlertFields, type AcknowledgeAlertMutation, type AlertChange, type AlertChangedSubscription, type OpenAlertsQuery } from '../src/features/alerts/alerts.documents';
import type { Permission, ViewerPermissionsQuery } from '../src/features/access/viewer.documents';
import { MilestoneFields, type MilestoneChange, type MilestoneChangedSubscription, type MilestonesQuery, type UpdateMilestoneMutation } from '../src/features/milestones/milestones.documents';
import type {
  CampaignProgressSubscription,
  CampaignsQuery,
  TodayMetricsSubscription,
  YesterdayMetricsQuery,
} from '../src/features/war-room/war-room.documents';

/**
 * One moment on Double 11: 12:00:30 in Beijing (04:00:30Z). The Asia/Shanghai day began at
 * 2026-11-10T16:00:00Z; the data on screen was computed one second before now.
 */
export const NOW_WALL = Date.parse('2026-11-11T04:00:30Z');
export const TODAY_FROM = '2026-11-10T16:00:00Z';
export const AS_OF = '2026-11-11T04:00:29Z';
/** AS_OF on a Beijing clock. */
export const AS_OF_CLOCK = '12:00:29';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Per-minute points starting at `from`, one per entry of `orders`. */
export function minuteSeries(from: string, orders: readonly number[]) {
  return orders.map((count, i) => ({ at: new Date(Date.parse(from) + i * MINUTE_MS).toISOString(), gmv: `${count * 100}.00`, orders: count }));
}

type Campaign = ResultOf<typeof CampaignsQuery>['campaigns']['edges'][number]['node'];

export function campaign(overrides: Partial<Campaign> = {}): Campaign {
  return { id: 'Q2FtcGFpZ246MQ==', name: '双11 主会场', status: 'ACTIVE', startsAt: '2026-10-31T16:00:00Z', endsAt: '2026-11-11T16:00:00Z', ...overrides };
}

export function campaignsResult(campaigns: readonly Campaign[]): ResultOf<typeof CampaignsQuery> {
  return { campaigns: { edges: campaigns.map((node) => ({ node })) } };
}

type Progress = ResultOf<typeof CampaignProgressSubscription>['campaignProgress'];

export function progressPayload(
  overrides: Partial<Omit<Progress, 'progress'>> & { progress?: Partial<Progress['progress']> } = {},
): ResultOf<typeof CampaignProgressSubscription> {
  const base: Progress = {
    sequence: 1,
    asOf: AS_OF,
    campaign: { id: campaign().id, name: campaign().name, theme: '狂欢购物节', startsAt: campaign().startsAt, endsAt: campaign().endsAt, conversionTarget: 0.03, partial: false, shops: [{ id: 'U2hvcDox' }], shopParts: null },
    progress: {
      gmv: '123456789.00',
      target: '500000000.00',
      achievementRate: 0.2469,
      pace: 1.04,
      plannedGmv: '118708451.00',
      projectedGmv: '520000000.00',
      remaining: '376543211.00',
      requiredPace: 376_543_211 / (500_000_000 - 118_708_451),
      today: { pace: 1.12 },
      curve: [
        { at: '2026-11-10T16:00:00Z', cumulativeActualGmv: '60000000.00', cumulativePlannedGmv: '58000000.00' },
        { at: '2026-11-10T17:00:00Z', cumulativeActualGmv: null, cumulativePlannedGmv: '70000000.00' },
      ],
    },
  };
  return { campaignProgress: { ...base, ...overrides, progress: { ...base.progress, ...overrides.progress } } };
}

type Today = ResultOf<typeof TodayMetricsSubscription>['liveMetrics'];
type TodayMetrics = Today['metrics'];
export type TopProductFixture = TodayMetrics['topProducts'][number];

export function topProduct(name: string, gmv: string, overrides: Partial<TopProductFixture['sku']> = {}): TopProductFixture {
  return {
    gmv,
    unitsSold: 12,
    product: { id: `P-${name}`, name, shop: { id: 'U2hvcDox', name: '天猫旗舰店' } },
    sku: { id: `S-${name}`, code: `TM-${name}`, spec: '标准版', stock: 240, lowStock: false, ...overrides },
  };
}

/**
 * Today: 300 orders in each of the five complete minutes before now (1,500 / 300 s = 5.0 orders/s),
 * the minute before them and the running minute deliberately far off so a wrong window shows.
 */
export const TODAY_SERIES = minuteSeries('2026-11-11T03:54:00Z', [9_000, 300, 300, 300, 300, 300, 9_000]);

export function todayPayload(overrides: Partial<Omit<Today, 'metrics'>> & { metrics?: Partial<TodayMetrics> } = {}): ResultOf<typeof TodayMetricsSubscription> {
  const base: Today = {
    sequence: 1,
    asOf: AS_OF,
    from: TODAY_FROM,
    to: '2026-11-11T16:00:00Z',
    metrics: {
      gmv: '98765432.10',
      orders: 41_234,
      buyers: 36_000,
      visitors: 1_200_000,
      conversionRate: 0.03,
      averageOrderValue: '2743.48',
      refundRate: 0.012,
      addToCartRate: 0.18,
      series: TODAY_SERIES,
      byChannel: [
        { key: 'TMALL', gmv: '60000000.00', spend: '2500000.00', roi: 24 },
        // Its ads cost more than they sold: ROI under 1, red on the wall.
        { key: 'JD', gmv: '38765432.10', spend: '40000000.00', roi: 0.96913580 },
      ],
      bySource: [
        { key: 'SEARCH', gmv: '88765432.10', spend: '0.00', roi: null, visitors: 1_000_000, conversionRate: 0.021 },
        { key: 'PAID', gmv: '6200.00', spend: '10000.00', roi: 0.62, visitors: 4_000, conversionRate: 0.01 },
        { key: 'SOCIAL', gmv: '9993800.00', spend: '2500000.00', roi: 3.99752, visitors: 150_000, conversionRate: 0.045 },
      ],
      fulfilment: { shippedOrders: 38_120, unshippedOverdue: 3, averagePaidToShippedSeconds: 22_320 },
      funnel: {
        steps: [
          { name: 'VISIT', count: 1_200_000, shareOfPrevious: null },
          { name: 'ORDER_PAID', count: 41_234, shareOfPrevious: 0.9 },
        ],
      },
      topProducts: [topProduct('旗舰手机', '123456789.00'), topProduct('保温杯', '8520.00', { stock: 3, lowStock: true }), topProduct('赠品贴纸', '0.00')],
    },
  };
  return { liveMetrics: { ...base, ...overrides, metrics: { ...base.metrics, ...overrides.metrics } } };
}

type Yesterday = NonNullable<ResultOf<typeof YesterdayMetricsQuery>['metrics']>;

/** Yesterday: 250 orders in each of the same five minutes (1,250 / 300 s ≈ 4.17 orders/s, so today is +20.0%). */
export function yesterdayMetrics(overrides: Partial<Yesterday> = {}): Yesterday {
  return {
    orders: 30_000,
    buyers: 30_000,
    conversionRate: 0.025,
    averageOrderValue: '2500.00',
    refundRate: 0.015,
    addToCartRate: 0.2,
    series: minuteSeries(new Date(Date.parse('2026-11-11T03:54:00Z') - DAY_MS).toISOString(), [0, 250, 250, 250, 250, 250, 0]).map(({ at, orders }) => ({ at, orders })),
    ...overrides,
  };
}

/** As the API sends it (enums narrowed), which MilestoneList accepts as a MilestoneRow. */
export type MilestoneFixture = ResultOf<typeof MilestoneFields>;

/** Without a grace unless `overdueAt` says otherwise: overdue from its due time, as by default. */
export function milestone(overrides: Partial<MilestoneFixture> = {}): MilestoneFixture {
  return {
    overdueAt: overrides.dueAt ?? '2026-11-10T04:00:00Z',
    id: 'TWlsZXN0b25lOjE=',
    name: '主会场压测',
    owner: '王磊',
    dueAt: '2026-11-10T04:00:00Z',
    completionStandard: '峰值 5 万单/秒下 P99 < 300 ms',
    status: 'IN_PROGRESS',
    riskLevel: 'LOW',
    responsePlan: null,
    responsePlanDueAt: null,
    responsePlanOverdue: false,
    actualSituation: null,
    overdue: false,
    updatedAt: '2026-11-11T03:00:00Z',
    ...overrides,
  };
}

/** A campaign's milestones as WarRoomMilestones answers (null: a campaign the API does not know). */
export function milestonesResult(campaignId: string, milestones: readonly MilestoneFixture[] | null): ResultOf<typeof MilestonesQuery> {
  return { campaign: milestones && { id: campaignId, milestones: milestones.map((m) => maskFragments([MilestoneFields], m)) } };
}

/** A milestoneChanged message as the server streams it. */
export function milestoneChangedPayload(change: MilestoneChange, m: MilestoneFixture): ResultOf<typeof MilestoneChangedSubscription> {
  return { milestoneChanged: { change, milestone: maskFragments([MilestoneFields], m) } };
}

/** updateMilestone's answer: the milestone as saved, or refused with user errors (code and message). */
export function updateMilestoneResult(
  m: MilestoneFixture | null,
  userErrors: ResultOf<typeof UpdateMilestoneMutation>['updateMilestone']['userErrors'] = [],
): ResultOf<typeof UpdateMilestoneMutation> {
  return { updateMilestone: { milestone: m && maskFragments([MilestoneFields], m), userErrors } };
}

export type AlertFixture = ResultOf<typeof AlertFields>;

export function alert(overrides: Partial<AlertFixture> = {}): AlertFixture {
  return {
    id: 'QWxlcnQ6MQ==',
    rule: 'CONVERSION_DROP',
    severity: 'CRITICAL',
    subject: '天猫旗舰店',
    message: '转化率 10 分钟内下降 35%',
    messageEn: 'Conversion down 35% in 10 minutes',
    status: 'OPEN',
    raisedAt: '2026-11-11T03:58:00Z',
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    value: 0.35,
    threshold: 0.3,
    updatedAt: overrides.raisedAt ?? '2026-11-11T03:58:00Z',
    incident: null,
    ...overrides,
  };
}

/** The same alert after a change, one second later than its last one (so it counts as newer). */
export function changed(a: AlertFixture, change: AlertChange, overrides: Partial<AlertFixture> = {}): AlertFixture {
  const at = new Date(Date.parse(a.updatedAt) + 1_000).toISOString();
  const byChange: Record<AlertChange, Partial<AlertFixture>> = {
    RAISED: {},
    ESCALATED: { severity: 'CRITICAL' },
    ACKNOWLEDGED: { status: 'ACKNOWLEDGED', acknowledgedAt: at, acknowledgedBy: '张三' },
    RESOLVED: { status: 'RESOLVED', resolvedAt: at },
    // The server only marks the record; the alert's own fields do not change.
    RESPONSE_OVERDUE: {},
    FIX_OVERDUE: {},
  };
  return { ...a, ...byChange[change], updatedAt: at, ...overrides };
}

export function openAlertsResult(alerts: readonly AlertFixture[]): ResultOf<typeof OpenAlertsQuery> {
  return { alerts: { edges: alerts.map((a) => ({ node: maskFragments([AlertFields], a) })) } };
}

/** One alertChanged message: `a` is the alert as it is after the change (see changed()). */
export function alertChangedPayload(change: AlertChange, a: AlertFixture): ResultOf<typeof AlertChangedSubscription> {
  return { alertChanged: { change, alert: maskFragments([AlertFields], a) } };
}

/** acknowledgeAlert's answer: the alert acknowledged by `by`, or refused with user errors (English and Chinese, as the server words them). */
export function acknowledgeResult(
  a: AlertFixture | null,
  userErrors: ResultOf<typeof AcknowledgeAlertMutation>['acknowledgeAlert']['userErrors'] = [],
  by = '王磊',
): ResultOf<typeof AcknowledgeAlertMutation> {
  return {
    acknowledgeAlert: {
      alert: a ? maskFragments([AlertFields], changed(a, 'ACKNOWLEDGED', { acknowledgedBy: by })) : null,
      userErrors: [...userErrors],
    },
  };
}

/** A screen key or a VIEWER reads; an OPERATOR or ADMIN may also manage (acknowledge alerts). */
export const READ_ONLY: readonly Permission[] = ['READ'];
export const MAY_MANAGE: readonly Permission[] = ['READ', 'MANAGE'];

export function viewerResult(permissions: readonly Permission[]): ResultOf<typeof ViewerPermissionsQuery> {
  return { viewer: { permissions: [...permissions] } };
}

type SessionGrant = ResultOf<typeof SessionFields>;

/** The n-th access/refresh token pair of one staff session, its access token living `lifetimeMs` from now. */
export function sessionGrant(n: number, lifetimeMs = 900_000): SessionGrant {
  const now = Date.now();
  return {
    accessToken: `access-${n}`,
    expiresAt: new Date(now + lifetimeMs).toISOString(),
    refreshToken: `refresh-${n}`,
    refreshExpiresAt: new Date(now + 12 * 3_600_000).toISOString(),
    user: { id: 'VXNlcjoxMDE=', name: '王磊', role: 'VIEWER' },
  };
}

/** A staff session as the screen stores it, as if signed in a moment ago. */
export function storedSession(n = 1, lifetimeMs = 900_000): SessionCredential {
  return { kind: 'session', ...sessionGrant(n, lifetimeMs), receivedAt: Date.now() };
}

type SignInResult = ResultOf<typeof SignInMutation>['signIn'];

/** signIn's or refreshSession's payload: the session granted, or refused with a user error. */
export function sessionPayload(answer: SessionGrant | { code: string; message: string }): SignInResult {
  if ('code' in answer) return { session: null, userErrors: [answer] as SignInResult['userErrors'] };
  return { session: maskFragments([SessionFields], answer), userErrors: [] };
}

export const signInResult = (answer: Parameters<typeof sessionPayload>[0]): ResultOf<typeof SignInMutation> => ({ signIn: sessionPayload(answer) });
export const refreshResult = (answer: Parameters<typeof sessionPayload>[0]): ResultOf<typeof RefreshSessionMutation> => ({ refreshSession: sessionPayload(answer) });
