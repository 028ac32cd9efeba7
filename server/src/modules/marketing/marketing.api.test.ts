import { count, eq, sql } from 'drizzle-orm';
import { createClient, type Client } from 'graphql-ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { rows } from '../../db/rows.js';
import { campaigns } from '../campaign/campaign.table.js';
import { marketingSpend } from './marketing.table.js';

const NOW = new Date('2026-11-11T12:00:00+08:00');
/** 11.11 in Asia/Shanghai: [2026-11-10T16:00Z, 2026-11-11T16:00Z). */
const DAY = { from: '2026-11-11T00:00:00+08:00', to: '2026-11-12T00:00:00+08:00' };

const RECORD = `mutation ($entries: [MarketingSpendEntryInput!]!) {
  recordMarketingSpend(input: { entries: $entries }) { accepted duplicates userErrors { index entryId field message code } }
}`;
const INGEST = `mutation ($events: [EventInput!]!) { ingestEvents(input: { events: $events }) { accepted userErrors { index code message } } }`;
const METRICS = `query ($scope: MetricScope!, $from: DateTime!, $to: DateTime!) {
  metrics(scope: $scope, from: $from, to: $to) {
    gmv spend roi
    byChannel { channel gmv spend roi }
    bySource { source gmv spend roi }
  }
}`;

const RECORD_ZH = `mutation ($entries: [MarketingSpendEntryInput!]!) {
  recordMarketingSpend(input: { entries: $entries }) { accepted userErrors { index code messageZh: message(locale: ZH_CN) } }
}`;
const VOID_ZH = `mutation ($entries: [MarketingSpendEntryKeyInput!]!, $reason: String!) {
  voidMarketingSpend(input: { entries: $entries, reason: $reason }) { voided userErrors { index code messageZh: message(locale: ZH_CN) } }
}`;

const VOID = `mutation ($entries: [MarketingSpendEntryKeyInput!]!, $reason: String!) {
  voidMarketingSpend(input: { entries: $entries, reason: $reason }) { voided alreadyVoided userErrors { index entryId field message code } }
}`;

type SpendError = { index: number; entryId: string | null; field: string[]; message: string; code: string };

describeEachBackend('recordMarketingSpend, Metrics.spend and Metrics.roi', (backend) => {
  let server: TestServer;
  let tmallId: string;
  let jdId: string;
  let tmall: string;
  let jd: string;

  beforeEach(async () => {
    const { db } = backend();
    tmallId = (await insertShop(db, '天猫店', 'TMALL')).id;
    jdId = (await insertShop(db, '京东店', 'JD')).id;
    tmall = gid('Shop', tmallId);
    jd = gid('Shop', jdId);
    server = await startTestServer(backend(), { now: () => NOW, tickMs: 3_600_000 });
  });
  afterEach(() => server.stop());

  const at = (hhmm: string, date = '2026-11-11') => `${date}T${hhmm}:00+08:00`;
  const entry = (id: string, shopId: string, source: string, amount: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    id,
    shopId,
    spentAt: at('10:00'),
    source,
    amount,
    ...extra,
  });
  const record = async (entries: unknown[], headers?: Record<string, string>) => {
    const result = await server.gql(RECORD, { entries }, headers);
    return result.data?.recordMarketingSpend as { accepted: number; duplicates: number; userErrors: SpendError[] };
  };
  const pay = async (shopId: string, orderId: string, source: string, amount: string, occurredAt = at('09:00')) => {
    const result = await server.gql(INGEST, {
      events: [{ id: `paid-${orderId}`, type: 'ORDER_PAID', occurredAt, shopId, source, orderId, customerId: `c-${orderId}`, amount }],
    });
    expect(result.data.ingestEvents).toEqual({ accepted: 1, userErrors: [] });
  };
  const voidEntries = async (entries: { shopId: string; id: string }[], reason = 'typed ¥70 for ¥7', headers?: Record<string, string>) => {
    const result = await server.gql(VOID, { entries, reason }, headers);
    return result.data?.voidMarketingSpend as { voided: number; alreadyVoided: number; userErrors: SpendError[] };
  };
  const metrics = async (scope: Record<string, unknown> = {}, window = DAY) => (await server.gql(METRICS, { scope, ...window })).data.metrics;
  const storedEntries = async () => (await backend().db.select({ n: count() }).from(marketingSpend))[0]!.n;

  /** GMV: TMALL PAID ¥300, TMALL SOCIAL ¥100, JD PAID ¥99.99. Spend: TMALL PAID ¥70 + ¥50, TMALL SOCIAL ¥125, JD PAID ¥33.33. */
  const SPEND = () => [
    entry('tm-paid-1', tmall, 'PAID', '70.00'),
    entry('tm-paid-2', tmall, 'PAID', '50', { spentAt: at('11:00'), channel: 'TMALL' }),
    entry('tm-social', tmall, 'SOCIAL', '125.00'),
    entry('jd-paid', jd, 'PAID', '33.33', { spentAt: at('08:30') }),
  ];
  const seed = async () => {
    await pay(tmall, 'O1', 'PAID', '300.00');
    await pay(tmall, 'O2', 'SOCIAL', '100.00');
    await pay(jd, 'O3', 'PAID', '99.99');
    expect(await record(SPEND())).toEqual({ accepted: 4, duplicates: 0, userErrors: [] });
  };

  it('records spend and shows it with ROI = GMV / spend exactly, overall, per channel and per source', async () => {
    await seed();
    expect(await metrics()).toEqual({
      gmv: '499.99',
      spend: '278.33',
      roi: 49_999 / 27_833,
      byChannel: [
        { channel: 'TMALL', gmv: '400.00', spend: '245.00', roi: 40_000 / 24_500 },
        { channel: 'JD', gmv: '99.99', spend: '33.33', roi: 3 },
      ],
      bySource: [
        { source: 'PAID', gmv: '399.99', spend: '153.33', roi: 39_999 / 15_333 },
        { source: 'SOCIAL', gmv: '100.00', spend: '125.00', roi: 0.8 },
      ],
    });
    // Scopes narrow spend exactly like GMV.
    expect(await metrics({ shopIds: [tmall], sources: ['SOCIAL'] })).toMatchObject({ gmv: '100.00', spend: '125.00', roi: 0.8 });
    expect(await metrics({ channels: ['JD'] })).toMatchObject({ spend: '33.33', roi: 3 });

    // Series points carry spend and their own ROI too.
    const series = await server.gql(`query ($from: DateTime!, $to: DateTime!) { metrics(scope: {}, from: $from, to: $to) { series(interval: HOUR) { at gmv spend roi } } }`, DAY);
    const points = series.data.metrics.series as { at: string; gmv: string; spend: string; roi: number | null }[];
    expect(points.filter((p) => p.spend !== '0.00')).toEqual([
      { at: '2026-11-11T00:00:00.000Z', gmv: '0.00', spend: '33.33', roi: 0 },
      { at: '2026-11-11T02:00:00.000Z', gmv: '0.00', spend: '195.00', roi: 0 },
      { at: '2026-11-11T03:00:00.000Z', gmv: '0.00', spend: '50.00', roi: 0 },
    ]);
    expect(points.find((p) => p.at === '2026-11-11T01:00:00.000Z')).toEqual({ at: '2026-11-11T01:00:00.000Z', gmv: '499.99', spend: '0.00', roi: null });
  });

  it('has spend 0.00 and ROI null where nothing was spent', async () => {
    await pay(tmall, 'O1', 'SEARCH', '300.00');
    await record([entry('jd-paid', jd, 'PAID', '10.00')]);
    expect(await metrics({ shopIds: [tmall] })).toEqual({
      gmv: '300.00',
      spend: '0.00',
      roi: null,
      byChannel: [{ channel: 'TMALL', gmv: '300.00', spend: '0.00', roi: null }],
      bySource: [{ source: 'SEARCH', gmv: '300.00', spend: '0.00', roi: null }],
    });
    // Spend without sales is ROI 0: all cost, nothing sold.
    expect(await metrics({ shopIds: [jd] })).toMatchObject({ gmv: '0.00', spend: '10.00', roi: 0 });
  });

  it('changes nothing when the same entries are replayed, and reports an id reused for a different entry', async () => {
    await seed();
    const before = await metrics();
    // A replay, and "channel omitted" is the same entry as "channel = the shop's platform".
    const replay = SPEND();
    replay[0] = { ...replay[0]!, channel: 'TMALL' };
    expect(await record(replay)).toEqual({ accepted: 0, duplicates: 4, userErrors: [] });
    expect(await metrics()).toEqual(before);
    expect(await storedEntries()).toBe(4);

    const reused = await record([entry('tm-social', tmall, 'SOCIAL', '126.00'), entry('tm-paid-1', tmall, 'PAID', '70.00'), entry('jd-paid', jd, 'PAID', '33.33', { spentAt: at('09:30') })]);
    expect(reused.accepted).toBe(0);
    expect(reused.duplicates).toBe(1);
    expect(reused.userErrors.map((e) => [e.index, e.code, e.entryId, e.field])).toEqual([
      [0, 'CONFLICT', 'tm-social', ['input', 'entries', '0', 'id']],
      [2, 'CONFLICT', 'jd-paid', ['input', 'entries', '2', 'id']],
    ]);
    expect(await metrics()).toEqual(before);

    // The same id is another shop's own entry: ids are per shop.
    expect(await record([entry('tm-social', jd, 'SOCIAL', '1.00')])).toMatchObject({ accepted: 1, userErrors: [] });
    // Repeated within one call: once accepted, once a duplicate; with other content, a conflict.
    const twice = await record([entry('x', tmall, 'PAID', '1.00'), entry('x', tmall, 'PAID', '1.00'), entry('x', tmall, 'PAID', '2.00')]);
    expect(twice).toMatchObject({ accepted: 1, duplicates: 1, userErrors: [{ index: 2, code: 'CONFLICT' }] });
  });

  it('counts an entry once when two calls carry it at the same time', async () => {
    const same = [entry('race', tmall, 'PAID', '12.34')];
    const results = await Promise.all([record(same), record(same), record(same)]);
    expect(results.map((r) => r.accepted).sort()).toEqual([0, 0, 1]);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(2);
    expect((await metrics()).spend).toBe('12.34');
  });

  it('reports every bad entry with its index and field, and still stores the good ones', async () => {
    const otherCampaign = gid('Campaign', (await insertCampaign(backend().db, [jdId])).id);
    const ownCampaign = gid('Campaign', (await insertCampaign(backend().db, [tmallId], '双11 天猫')).id);
    const result = await record([
      entry('ok-1', tmall, 'PAID', '10.00'),
      entry('zero', tmall, 'PAID', '0.00'),
      entry('fraction', tmall, 'PAID', '1.005'),
      entry('negative', tmall, 'PAID', '-5.00'),
      entry('garbage-shop', 'not-an-id', 'PAID', '1.00'),
      entry('wrong-channel', tmall, 'PAID', '1.00', { channel: 'JD' }),
      entry('foreign-campaign', tmall, 'PAID', '1.00', { campaignId: otherCampaign }),
      entry('future', tmall, 'PAID', '1.00', { spentAt: at('12:30') }),
      entry('', tmall, 'PAID', '1.00'),
      entry('ok-2', tmall, 'SOCIAL', '20.00', { campaignId: ownCampaign, spentAt: at('12:04') }),
      entry('no-shop', gid('Shop', '00000000-0000-4000-8000-000000000000'), 'PAID', '1.00'),
      entry('too-much', tmall, 'PAID', '100000000.01'),
    ]);
    expect(result.accepted).toBe(2);
    expect(result.duplicates).toBe(0);
    expect(result.userErrors.map((e) => [e.index, e.code, e.field.join('.')])).toEqual([
      [1, 'INVALID_AMOUNT', 'input.entries.1.amount'],
      [2, 'INVALID_AMOUNT', 'input.entries.2.amount'],
      [3, 'INVALID_AMOUNT', 'input.entries.3.amount'],
      [4, 'NOT_FOUND', 'input.entries.4.shopId'],
      [5, 'INVALID_INPUT', 'input.entries.5.channel'],
      [6, 'INVALID_INPUT', 'input.entries.6.campaignId'],
      [7, 'INVALID_INPUT', 'input.entries.7.spentAt'],
      [8, 'INVALID_INPUT', 'input.entries.8.id'],
      [10, 'NOT_FOUND', 'input.entries.10.shopId'],
      [11, 'INVALID_AMOUNT', 'input.entries.11.amount'],
    ]);
    expect(result.userErrors.at(-1)!.message).toBe('at most ¥100,000,000.00 per entry');
    expect(result.userErrors.every((e) => e.message.length > 0)).toBe(true);
    // The console's Chinese keeps each refusal's specifics.
    const zh = await server.gql(RECORD_ZH, {
      entries: [entry('zero', tmall, 'PAID', '0'), entry('future', tmall, 'PAID', '1.00', { spentAt: at('12:30') }), entry('too-much', tmall, 'PAID', '100000000.01')],
    });
    expect(zh.data.recordMarketingSpend).toEqual({
      accepted: 0,
      userErrors: [
        { index: 0, code: 'INVALID_AMOUNT', messageZh: '投放花费必须大于零' },
        { index: 1, code: 'INVALID_INPUT', messageZh: 'spentAt 是未来时间：花费发生后再记录' },
        { index: 2, code: 'INVALID_AMOUNT', messageZh: '每条花费记录最多 ¥100,000,000.00' },
      ],
    });
    expect(await metrics()).toMatchObject({ spend: '30.00' });
    expect(await metrics({ campaignId: ownCampaign })).toMatchObject({ spend: '20.00', bySource: [{ source: 'SOCIAL', spend: '20.00' }] });
  });

  it('refuses spend named for a campaign outside its window or cancelled, and stores the rest (warm-up spend goes without a campaign)', async () => {
    const { db } = backend();
    const shanghai = (local: string) => new Date(`${local}+08:00`);
    const the618 = gid('Campaign', (await insertCampaign(db, [tmallId], '618', { startsAt: shanghai('2026-06-01T00:00:00'), endsAt: shanghai('2026-06-19T00:00:00') })).id);
    const double12 = gid('Campaign', (await insertCampaign(db, [tmallId], '双12', { startsAt: shanghai('2026-12-01T20:00:00'), endsAt: shanghai('2026-12-13T00:00:00') })).id);
    const double11 = gid('Campaign', (await insertCampaign(db, [tmallId], '双11', { startsAt: shanghai('2026-11-11T10:00:00'), endsAt: shanghai('2026-11-11T11:00:00') })).id);
    const cancelledRow = await insertCampaign(db, [tmallId], '取消的专场');
    await db.update(campaigns).set({ cancelledAt: NOW }).where(eq(campaigns.id, cancelledRow.id));
    const cancelled = gid('Campaign', cancelledRow.id);

    const result = await record([
      entry('after-618', tmall, 'PAID', '10.00', { campaignId: the618 }),
      entry('before-double12', tmall, 'PAID', '50.00', { campaignId: double12 }),
      entry('warm-up', tmall, 'PAID', '50.00'),
      entry('at-start', tmall, 'PAID', '7.00', { campaignId: double11, spentAt: at('10:00') }),
      entry('at-end', tmall, 'PAID', '3.00', { campaignId: double11, spentAt: at('11:00') }),
      entry('cancelled', tmall, 'PAID', '1.00', { campaignId: cancelled }),
    ]);
    expect(result).toEqual({
      accepted: 2,
      duplicates: 0,
      userErrors: [
        {
          index: 0,
          entryId: 'after-618',
          field: ['input', 'entries', '0', 'campaignId'],
          message: 'spend counts for a campaign only during it (2026-06-01 00:00 – 2026-06-19 00:00 Asia/Shanghai): record spend outside it without a campaign',
          code: 'INVALID_INPUT',
        },
        { index: 1, entryId: 'before-double12', field: ['input', 'entries', '1', 'campaignId'], message: expect.stringContaining('2026-12-01 20:00 – 2026-12-13 00:00'), code: 'INVALID_INPUT' },
        { index: 4, entryId: 'at-end', field: ['input', 'entries', '4', 'campaignId'], message: expect.stringContaining('2026-11-11 10:00 – 2026-11-11 11:00'), code: 'INVALID_INPUT' },
        { index: 5, entryId: 'cancelled', field: ['input', 'entries', '5', 'campaignId'], message: 'the campaign was cancelled: record this spend without a campaign', code: 'INVALID_INPUT' },
      ],
    });
    const zh = await server.gql(RECORD_ZH, { entries: [entry('after-618', tmall, 'PAID', '10.00', { campaignId: the618 }), entry('cancelled', tmall, 'PAID', '1.00', { campaignId: cancelled })] });
    expect(zh.data.recordMarketingSpend.userErrors).toEqual([
      { index: 0, code: 'INVALID_INPUT', messageZh: '活动花费须发生在活动期间（北京时间 2026-06-01 00:00 至 2026-06-19 00:00）：活动期外的花费请不选活动记录' },
      { index: 1, code: 'INVALID_INPUT', messageZh: '该活动已取消：请不选活动记录这笔花费' },
    ]);
    // What was taken is counted where it is read: the day's channel spend, and the campaign's own.
    expect(await metrics()).toMatchObject({ spend: '57.00' });
    expect(await metrics({ campaignId: double11 })).toMatchObject({ spend: '7.00' });
    expect(await storedEntries()).toBe(2);
  });

  it('takes a one-shop key’s spend for a campaign its shop runs in with other shops (split or not), as its orders are', async () => {
    const both = gid('Campaign', (await insertCampaign(backend().db, [tmallId, jdId], '双11')).id);
    const jdOnly = gid('Campaign', (await insertCampaign(backend().db, [jdId], '京东专场')).id);
    const partner = bearer(await server.createKey({ shopIds: [tmallId], scopes: ['INGEST'] }));
    const result = await record([entry('ours', tmall, 'PAID', '10.00', { campaignId: both }), entry('theirs', tmall, 'PAID', '5.00', { campaignId: jdOnly })], partner);
    // A campaign with none of the caller's shops does not exist for it.
    expect(result).toEqual({ accepted: 1, duplicates: 0, userErrors: [{ index: 1, entryId: 'theirs', field: ['input', 'entries', '1', 'campaignId'], message: 'campaign not found', code: 'NOT_FOUND' }] });
    expect(await metrics({ campaignId: both })).toMatchObject({ spend: '10.00' });
  });

  it('refuses more than 5,000 entries in one call, storing nothing', async () => {
    const entries = Array.from({ length: 5_001 }, (_, i) => entry(`e${i}`, tmall, 'PAID', '1.00'));
    const result = await server.gql(RECORD, { entries });
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]).toMatchObject({ message: expect.stringMatching(/at most 5000 spend entries/), extensions: { code: 'BAD_USER_INPUT' } });
    expect(await storedEntries()).toBe(0);
    // 5,000 is fine.
    expect(await record(entries.slice(0, 5_000))).toMatchObject({ accepted: 5_000, userErrors: [] });
    expect((await metrics()).spend).toBe('5000.00');
  }, 60_000);

  it("refuses a partner's entry for a shop outside its grant (FORBIDDEN, nothing stored) and a READ key the mutation", async () => {
    const partner = await server.createKey({ shopIds: [tmallId], scopes: ['INGEST'] });
    const result = await record([entry('mine', tmall, 'PAID', '10.00'), entry('theirs', jd, 'PAID', '99.00')], bearer(partner));
    expect(result).toEqual({
      accepted: 1,
      duplicates: 0,
      userErrors: [{ index: 1, entryId: 'theirs', field: ['input', 'entries', '1', 'shopId'], message: expect.any(String), code: 'FORBIDDEN' }],
    });
    const stored = await rows<{ shop_id: string; entry_id: string }>(backend().db, sql`select shop_id, entry_id from marketing_spend`);
    expect(stored).toEqual([{ shop_id: tmallId, entry_id: 'mine' }]);
    expect(await metrics({ shopIds: [jd] })).toMatchObject({ spend: '0.00' });

    // A MANAGE key of the shop may record too (an operator typing in the day's budget).
    const manager = await server.createKey({ shopIds: [tmallId], scopes: ['MANAGE'] });
    expect(await record([entry('typed-in', tmall, 'SOCIAL', '5.00')], bearer(manager))).toMatchObject({ accepted: 1 });

    const reader = await server.createKey({ shopIds: [tmallId], scopes: ['READ'] });
    const refused = await server.gql(RECORD, { entries: [entry('read', tmall, 'PAID', '1.00')] }, bearer(reader));
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await storedEntries()).toBe(2);
  });

  it('buckets spend by Asia/Shanghai day and hour: a window counts the spend whose minute starts inside it', async () => {
    await record([
      entry('late-10th', tmall, 'PAID', '1.00', { spentAt: at('23:59', '2026-11-10') }), // 15:59Z on the 10th
      entry('midnight', tmall, 'PAID', '2.00', { spentAt: at('00:00') }), // 16:00Z on the 10th: already 11.11
      entry('last-minute', tmall, 'PAID', '4.00', { spentAt: '2026-11-11T00:59:59.999+08:00' }),
      entry('one-am', tmall, 'PAID', '8.00', { spentAt: at('01:00') }),
    ]);
    expect((await metrics({}, DAY)).spend).toBe('14.00');
    expect((await metrics({}, { from: at('00:00', '2026-11-10'), to: at('00:00') })).spend).toBe('1.00');
    expect((await metrics({}, { from: at('00:00'), to: at('01:00') })).spend).toBe('6.00');
    expect((await metrics({}, { from: at('00:59'), to: at('01:01') })).spend).toBe('12.00');
    const days = await server.gql(`{ metrics(scope: {}, from: "2026-11-10T00:00:00+08:00", to: "2026-11-12T00:00:00+08:00") { series(interval: DAY) { at spend } } }`);
    expect(days.data.metrics.series).toEqual([
      { at: '2026-11-09T16:00:00.000Z', spend: '1.00' },
      { at: '2026-11-10T16:00:00.000Z', spend: '14.00' },
    ]);
  });

  describe('voidMarketingSpend', () => {
    const voidRow = async (entryId: string) =>
      (await rows<{ voided_by: string | null; void_reason: string | null; voided: boolean }>(backend().db, sql`select voided_by, void_reason, voided_at is not null as voided from marketing_spend where entry_id = ${entryId}`))[0];

    it('takes a wrong entry out of spend and ROI everywhere it was counted, keeps it marked, and the right figure is recorded under a new id', async () => {
      await seed();
      expect(await voidEntries([{ shopId: tmall, id: 'tm-paid-1' }])).toEqual({ voided: 1, alreadyVoided: 0, userErrors: [] });
      // ¥70 out of ¥278.33: overall, in TMALL and in PAID; JD and SOCIAL untouched.
      expect(await metrics()).toMatchObject({
        gmv: '499.99',
        spend: '208.33',
        roi: 49_999 / 20_833,
        byChannel: expect.arrayContaining([{ channel: 'TMALL', gmv: '400.00', spend: '175.00', roi: 40_000 / 17_500 }, { channel: 'JD', gmv: '99.99', spend: '33.33', roi: 3 }]),
      });
      expect((await metrics()).bySource).toEqual(
        expect.arrayContaining([expect.objectContaining({ source: 'PAID', spend: '83.33' }), expect.objectContaining({ source: 'SOCIAL', spend: '125.00' })]),
      );
      // Out of its hour and its day as well: the 10:00 hour had only it.
      expect((await metrics({}, { from: at('10:00'), to: at('11:00') })).spend).toBe('125.00');
      const hours = await server.gql(`{ metrics(scope: {}, from: "${at('08:00')}", to: "${at('12:00')}") { series(interval: HOUR) { at spend } } }`);
      expect(hours.data.metrics.series.map((p: { spend: string }) => p.spend)).toEqual(['33.33', '0.00', '125.00', '50.00']);
      expect(await voidRow('tm-paid-1')).toEqual({ voided_by: 'Admin key', void_reason: 'typed ¥70 for ¥7', voided: true });
      expect(await storedEntries()).toBe(4);

      // Replaying the voided entry changes nothing; its id cannot carry another figure.
      expect(await record([entry('tm-paid-1', tmall, 'PAID', '70.00')])).toEqual({ accepted: 0, duplicates: 1, userErrors: [] });
      expect((await record([entry('tm-paid-1', tmall, 'PAID', '7.00')])).userErrors.map((e) => e.code)).toEqual(['CONFLICT']);
      expect((await metrics()).spend).toBe('208.33');
      // The right figure under a new id.
      expect(await record([entry('tm-paid-1-fixed', tmall, 'PAID', '7.00')])).toMatchObject({ accepted: 1 });
      expect((await metrics()).spend).toBe('215.33');
    });

    it('changes nothing when voided again, named twice, or voided by two calls at once', async () => {
      await seed();
      expect(await voidEntries([{ shopId: tmall, id: 'tm-social' }, { shopId: tmall, id: 'tm-social' }])).toEqual({ voided: 1, alreadyVoided: 1, userErrors: [] });
      expect(await voidEntries([{ shopId: tmall, id: 'tm-social' }], 'again')).toEqual({ voided: 0, alreadyVoided: 1, userErrors: [] });
      // The first reason stays: a second void does not rewrite who voided it or why.
      expect(await voidRow('tm-social')).toMatchObject({ void_reason: 'typed ¥70 for ¥7' });
      expect((await metrics()).spend).toBe('153.33');
      // Charged per entry, as recording is: a void of 3 costs 2 points more than a void of 1.
      const cost = async (n: number) => {
        const { body } = await server.post(VOID, { entries: Array.from({ length: n }, () => ({ shopId: tmall, id: 'tm-social' })), reason: 'x' });
        return (body.extensions as { cost: { requestedQueryCost: number } }).cost.requestedQueryCost;
      };
      expect((await cost(3)) - (await cost(1))).toBe(2);

      const race = await Promise.all([1, 2, 3].map(() => voidEntries([{ shopId: jd, id: 'jd-paid' }, { shopId: tmall, id: 'tm-paid-2' }])));
      expect(race.reduce((n, r) => n + r.voided, 0)).toBe(2);
      expect(race.reduce((n, r) => n + r.alreadyVoided, 0)).toBe(4);
      // Each amount taken out once: ¥70 left.
      expect(await metrics()).toMatchObject({ spend: '70.00', byChannel: expect.arrayContaining([expect.objectContaining({ channel: 'JD', spend: '0.00', roi: null })]) });
    });

    it('reports unknown entries and bad keys by index, voids the rest, and refuses a call without a reason whole', async () => {
      await seed();
      const result = await voidEntries([
        { shopId: tmall, id: 'no-such-entry' },
        { shopId: tmall, id: 'tm-paid-2' },
        { shopId: 'not-an-id', id: 'x' },
        { shopId: jd, id: 'tm-paid-1' }, // the id is TMALL's, not JD's: ids are per shop
        { shopId: tmall, id: '' },
      ]);
      expect(result.voided).toBe(1);
      expect(result.userErrors.map((e) => [e.index, e.code, e.field.join('.')])).toEqual([
        [0, 'NOT_FOUND', 'input.entries.0.id'],
        [2, 'NOT_FOUND', 'input.entries.2.shopId'],
        [3, 'NOT_FOUND', 'input.entries.3.id'],
        [4, 'INVALID_INPUT', 'input.entries.4.id'],
      ]);
      expect((await metrics()).spend).toBe('228.33');
      const zh = await server.gql(VOID_ZH, { entries: [{ shopId: tmall, id: 'no-such-entry' }, { shopId: tmall, id: '' }], reason: 'restated' });
      expect(zh.data.voidMarketingSpend).toEqual({
        voided: 0,
        userErrors: [
          { index: 0, code: 'NOT_FOUND', messageZh: '该店铺没有花费记录 no-such-entry' },
          { index: 1, code: 'INVALID_INPUT', messageZh: '不能为空' },
        ],
      });
      const unsaid = await server.gql(VOID, { entries: [{ shopId: tmall, id: 'tm-paid-1' }], reason: '   ' });
      expect(unsaid.errors?.[0]?.extensions?.messageZh).toBe('请说明作废这些记录的原因（原因会随记录保存）');

      for (const reason of ['', '   ', 'x'.repeat(501)]) {
        const refused = await server.gql(VOID, { entries: [{ shopId: tmall, id: 'tm-paid-1' }], reason });
        expect(refused.data ?? null).toBeNull();
        expect(refused.errors?.[0]).toMatchObject({ path: ['voidMarketingSpend'], extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT', field: ['input', 'reason'] } });
        expect(refused.errors?.[0]?.message).toMatch(reason.length > 500 ? /the reason must be at most 500/ : /say why the entries are void/);
      }
      expect(await voidRow('tm-paid-1')).toMatchObject({ voided: false });
      expect((await metrics()).spend).toBe('228.33');
    });

    it("refuses a partner's void of another shop's entry (FORBIDDEN, nothing voided) and a READ key the mutation", async () => {
      await seed();
      const partner = await server.createKey({ shopIds: [tmallId], scopes: ['INGEST'] });
      const result = await voidEntries([{ shopId: jd, id: 'jd-paid' }, { shopId: jd, id: 'no-such-entry' }, { shopId: tmall, id: 'tm-social' }], 'restated', bearer(partner));
      // A shop outside the grant is FORBIDDEN whether or not the entry exists: nothing leaks.
      expect(result).toEqual({
        voided: 1,
        alreadyVoided: 0,
        userErrors: [
          { index: 0, entryId: 'jd-paid', field: ['input', 'entries', '0', 'shopId'], message: expect.any(String), code: 'FORBIDDEN' },
          { index: 1, entryId: 'no-such-entry', field: ['input', 'entries', '1', 'shopId'], message: expect.any(String), code: 'FORBIDDEN' },
        ],
      });
      expect(await voidRow('jd-paid')).toMatchObject({ voided: false });
      expect(await voidRow('tm-social')).toMatchObject({ voided: true, void_reason: 'restated' });
      expect((await metrics({ shopIds: [jd] })).spend).toBe('33.33');

      const reader = await server.createKey({ shopIds: [tmallId], scopes: ['READ'] });
      const refused = await server.gql(VOID, { entries: [{ shopId: tmall, id: 'tm-paid-1' }], reason: 'no' }, bearer(reader));
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await voidRow('tm-paid-1')).toMatchObject({ voided: false });
    });
  });

  describe('live', () => {
    let clients: Client[] = [];
    afterEach(async () => {
      await Promise.all(clients.map((c) => c.dispose()));
      clients = [];
    });

    it('a liveMetrics subscription shows the spend and ROI after recordMarketingSpend', async () => {
      await pay(tmall, 'O1', 'SOCIAL', '100.00');
      const client = createClient({ url: server.wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: server.wsParams });
      clients.push(client);
      type Live = { sequence: number; metrics: { spend: string; roi: number | null; bySource: { source: string; spend: string; roi: number | null }[] } };
      const messages: Live[] = [];
      const waiters: (() => void)[] = [];
      client.subscribe<{ liveMetrics: Live }>(
        { query: 'subscription { liveMetrics(scope: {}) { sequence metrics { spend roi bySource { source spend roi } } } }' },
        {
          next: (result) => {
            if (result.data) messages.push(result.data.liveMetrics);
            waiters.splice(0).forEach((w) => w());
          },
          error: (error) => {
            throw error;
          },
          complete: () => {},
        },
      );
      const until = async (n: number) => {
        while (messages.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
      };
      await until(1);
      expect(messages[0]!.metrics).toEqual({ spend: '0.00', roi: null, bySource: [{ source: 'SOCIAL', spend: '0.00', roi: null }] });

      expect(await record([entry('live', tmall, 'SOCIAL', '125.00')])).toMatchObject({ accepted: 1 });
      await server.app.ticker.tick();
      await until(2);
      expect(messages[1]).toMatchObject({ sequence: 2, metrics: { spend: '125.00', roi: 0.8, bySource: [{ source: 'SOCIAL', spend: '125.00', roi: 0.8 }] } });

      // A replay commits nothing new: no change notice, no message.
      expect(await record([entry('live', tmall, 'SOCIAL', '125.00')])).toMatchObject({ accepted: 0, duplicates: 1 });
      await server.app.ticker.tick();
      expect(messages).toHaveLength(2);

      // Voiding it is announced like recording: the next tick has the spend gone and ROI null again.
      expect(await voidEntries([{ shopId: tmall, id: 'live' }])).toMatchObject({ voided: 1 });
      await server.app.ticker.tick();
      await until(3);
      expect(messages[2]).toMatchObject({ sequence: 3, metrics: { spend: '0.00', roi: null, bySource: [{ source: 'SOCIAL', spend: '0.00', roi: null }] } });
    });
  });
});
