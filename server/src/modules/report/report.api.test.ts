import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TrafficSource } from '../../db/enums.js';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import type { Counters } from '../metrics/metrics.formulas.js';
import { insertRollups } from '../metrics/metrics.test-fixtures.js';

const FIGURES = 'visitors pageViews conversionRate gmv orders buyers refundRate spend roi';
const REPORT = `query ($shopId: ID!, $date: Date!) { dailyReport(shopId: $shopId, date: $date) {
  date totals { ${FIGURES} }
  rows { source figures { ${FIGURES} } previousDay { visitors conversionRate } change { visitors gmv }
    anomalies { rule message en: message(locale: EN) } anomalyNote correctiveAction owner
    rectification { id reasons openedAt dueAt overdue content submittedBy submittedAt submittedLate } } } }`;
const METRICS = `query ($scope: MetricScope!, $from: DateTime!, $to: DateTime!) { metrics(scope: $scope, from: $from, to: $to) { ${FIGURES} } }`;
const WRITE = `mutation ($input: WriteDailyReportNoteInput!) { writeDailyReportNote(input: $input) { row { source anomalyNote correctiveAction owner } userErrors { code field } } }`;
const SUBMIT = `mutation ($input: SubmitRectificationInput!) { submitRectification(input: $input) { rectification { content submittedBy submittedAt overdue submittedLate } userErrors { code } } }`;

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

interface Day {
  source: TrafficSource;
  visitors: number;
  buyers: number;
  counters?: Partial<Counters>;
}

describeEachBackend('daily report (运营数据日报)', (backend) => {
  let server: TestServer;
  let clock: Date;
  let shopA: string;
  let shopB: string;
  beforeEach(async () => {
    clock = new Date('2026-11-20T10:00:00+08:00');
    server = await startTestServer(backend(), { now: () => clock });
    shopA = (await insertShop(backend().db, '甲店')).id;
    shopB = (await insertShop(backend().db, '乙店')).id;
  });
  afterEach(() => server.stop());

  /** One day's activity per source, at `at` (an instant inside the Asia/Shanghai day meant). */
  const day = (shopId: string, at: string, days: Day[]) =>
    insertRollups(
      backend().db,
      days.map((d) => ({
        at: new Date(at),
        shopId,
        source: d.source,
        visitors: ids(`${d.source}-${at}-v`, d.visitors),
        buyers: ids(`${d.source}-${at}-b`, d.buyers),
        counters: { visits: d.visitors, pageViews: d.visitors * 3, ordersPaid: d.buyers, ...d.counters },
      })),
    );

  async function scripted() {
    // The 18th ends at 23:59 Shanghai (15:59Z); the 19th starts at 00:00 Shanghai (16:00Z on the 18th).
    await day(shopA, '2026-11-18T23:59:00+08:00', [
      { source: 'SEARCH', visitors: 300, buyers: 30, counters: { gmvFen: 300_000 } },
      { source: 'RECOMMENDATION', visitors: 600, buyers: 0 },
      { source: 'OTHER', visitors: 100, buyers: 10 },
    ]);
    await day(shopA, '2026-11-19T00:00:00+08:00', [
      { source: 'SEARCH', visitors: 300, buyers: 12, counters: { gmvFen: 120_000 } },
      { source: 'RECOMMENDATION', visitors: 300, buyers: 0 },
      { source: 'OTHER', visitors: 100, buyers: 2 },
      { source: 'PAID', visitors: 150, buyers: 40, counters: { ordersPaid: 40, refundedOrders: 4, gmvFen: 20_000, spendFen: 30_000 } },
      { source: 'SOCIAL', visitors: 50, buyers: 20, counters: { ordersPaid: 20, refundedOrders: 5, gmvFen: 5_000, spendFen: 10_000 } },
    ]);
    await day(shopB, '2026-11-19T12:00:00+08:00', [{ source: 'SEARCH', visitors: 10, buyers: 1, counters: { gmvFen: 9_900 } }]);
  }

  const report = async (shopId: string, date = '2026-11-19', headers?: Record<string, string>) =>
    server.gql(REPORT, { shopId: gid('Shop', shopId), date }, headers);

  it('equals the metrics query for the same shop, day and source, days cut at midnight Asia/Shanghai', async () => {
    await scripted();
    const { data, errors } = await report(shopA);
    expect(errors).toBeUndefined();
    const rows = data.dailyReport.rows;
    expect(rows.map((r: { source: string }) => r.source)).toEqual(['SEARCH', 'RECOMMENDATION', 'PAID', 'SOCIAL', 'OTHER']);
    const window = { from: '2026-11-19T00:00:00+08:00', to: '2026-11-20T00:00:00+08:00' };
    for (const row of rows) {
      const metrics = await server.gql(METRICS, { scope: { shopIds: [gid('Shop', shopA)], sources: [row.source] }, ...window });
      expect(row.figures).toEqual(metrics.data.metrics);
    }
    const all = await server.gql(METRICS, { scope: { shopIds: [gid('Shop', shopA)] }, ...window });
    expect(data.dailyReport.totals).toEqual(all.data.metrics);
    const search = rows[0];
    expect(search.figures.gmv).toBe('1200.00'); // the 23:59 activity belongs to the 18th
    expect(search.previousDay.visitors).toBeGreaterThan(250);
    expect(search.change.gmv).toBeCloseTo(-0.6, 10);
    const paid = rows[2];
    expect(paid.figures).toMatchObject({ spend: '300.00', gmv: '200.00', refundRate: 0.1 });
    expect(paid.figures.roi).toBeCloseTo(2 / 3, 10);
  });

  it('flags anomalies by the stated rules and not below their sample sizes', async () => {
    await scripted();
    const rows = (await report(shopA)).data.dailyReport.rows;
    const flagged = Object.fromEntries(rows.map((r: { source: string; anomalies: { rule: string }[] }) => [r.source, r.anomalies.map((a) => a.rule)]));
    expect(flagged).toEqual({
      SEARCH: ['CONVERSION_DROP'],
      RECOMMENDATION: ['TRAFFIC_DROP'],
      PAID: ['REFUND_RATE_SPIKE', 'ROI_BELOW_ONE'],
      SOCIAL: [], // 25 % refunds on 20 orders and ROI 0.5 on ¥100: both below their samples
      OTHER: [], // conversion fell 80 % but on 100 visitors
    });
    // Why, in the room's language by default and in English when asked.
    const search = rows.find((r: { source: string }) => r.source === 'SEARCH').anomalies[0];
    expect(search.message).toMatch(/^转化率 .*，前一日 .*，下降 /);
    expect(search.en).toMatch(/^Conversion \d+\.\d% against \d+\.\d% the day before: down \d+\.\d% \(threshold 30\.0%\)$/);
  });

  it('flags at the levels the shop’s alert rules are set to, and a campaign’s under way that day, as the alerts on the same screen do', async () => {
    await scripted();
    const setRule = async (input: Record<string, unknown>) => {
      const set = await server.gql(`mutation ($input: UpdateAlertRuleInput!) { updateAlertRule(input: $input) { userErrors { code } } }`, { input });
      expect(set.data.updateAlertRule.userErrors).toEqual([]);
    };
    // SOCIAL's 5 refunds of 20 orders and ROI 0.5 on ¥100: under the default samples, over the shop's.
    await setRule({ rule: 'REFUND_RATE_SPIKE', shopId: gid('Shop', shopA), minSample: 20 });
    await setRule({ rule: 'ROI_BELOW_ONE', shopId: gid('Shop', shopA), minSample: 100 });
    // PAID's 10 % refunds: over the default 8 %, under the shop's 12 %.
    await setRule({ rule: 'REFUND_RATE_SPIKE', shopId: gid('Shop', shopA), threshold: 0.12 });
    // SEARCH's conversion fell 60 %: a campaign under way on the 19th asks for 70 % before it is news.
    const campaign = await insertCampaign(backend().db, [shopA], '双11返场', { startsAt: new Date('2026-11-19T00:00:00+08:00'), endsAt: new Date('2026-11-20T00:00:00+08:00') });
    await setRule({ rule: 'CONVERSION_DROP', campaignId: gid('Campaign', campaign.id), threshold: 0.7 });
    const flagged = async (date: string) =>
      Object.fromEntries((await report(shopA, date)).data.dailyReport.rows.map((r: { source: string; anomalies: { rule: string }[] }) => [r.source, r.anomalies.map((a) => a.rule)]));
    expect(await flagged('2026-11-19')).toEqual({
      SEARCH: [],
      RECOMMENDATION: ['TRAFFIC_DROP'],
      PAID: ['ROI_BELOW_ONE'],
      SOCIAL: ['REFUND_RATE_SPIKE', 'ROI_BELOW_ONE'],
      OTHER: [],
    });
    // The rectification opened for the closed day names the rules that flagged it at those levels.
    const rows = (await report(shopA)).data.dailyReport.rows;
    expect(rows.find((r: { source: string }) => r.source === 'SOCIAL').rectification.reasons).toEqual(['REFUND_RATE_SPIKE', 'ROI_BELOW_ONE']);
    expect(rows.find((r: { source: string }) => r.source === 'PAID').anomalies[0].en).toBe("ROI 0.66 is under 1: pause or cut this channel's spend");
    // The other shop keeps the installation's levels.
    await setRule({ rule: 'CONVERSION_DROP', shopId: gid('Shop', shopA), threshold: 0.5 });
    expect((await report(shopB)).data.dailyReport.rows.map((r: { anomalies: unknown[] }) => r.anomalies)).toEqual([[]]);
  });

  it('opens a rectification due 48 hours later for a closed day, overdue after that, until submitted', async () => {
    await scripted();
    await day(shopA, '2026-11-20T09:00:00+08:00', [{ source: 'PAID', visitors: 10, buyers: 1, counters: { spendFen: 90_000 } }]);
    const today = (await report(shopA, '2026-11-20')).data.dailyReport.rows;
    const paidToday = today.find((r: { source: string }) => r.source === 'PAID');
    expect(paidToday.anomalies.map((a: { rule: string }) => a.rule)).toContain('ROI_BELOW_ONE');
    expect(paidToday.rectification).toBeNull(); // the day is not over yet

    const first = (await report(shopA)).data.dailyReport.rows;
    const search = first[0].rectification;
    expect(search).toMatchObject({ reasons: ['CONVERSION_DROP'], openedAt: '2026-11-20T02:00:00.000Z', dueAt: '2026-11-22T02:00:00.000Z', overdue: false, submittedBy: null });
    expect(first.find((r: { source: string }) => r.source === 'OTHER').rectification).toBeNull();

    clock = new Date('2026-11-22T10:00:00+08:00'); // exactly due: not yet overdue
    const again = (await report(shopA)).data.dailyReport.rows[0].rectification;
    expect(again).toMatchObject({ id: search.id, openedAt: search.openedAt, overdue: false });
    clock = new Date('2026-11-22T10:00:01+08:00');
    expect((await report(shopA)).data.dailyReport.rows[0].rectification.overdue).toBe(true);
    const overdueList = await server.gql(`{ dailyReports(filter: { rectificationOverdue: true }) { totalCount edges { node { source date } } } }`);
    expect(overdueList.data.dailyReports.totalCount).toBe(3);

    const operator = await server.createKey({ name: '运营主管 王', shopIds: [shopA], scopes: ['READ', 'MANAGE'] });
    const submitted = await server.gql(SUBMIT, { input: { id: search.id, content: '搜索词出价已调整，详情页首屏改版' } }, bearer(operator));
    expect(submitted.data.submitRectification).toEqual({
      // A second past its due time: no longer overdue, and the record keeps that it came late.
      rectification: { content: '搜索词出价已调整，详情页首屏改版', submittedBy: '运营主管 王', submittedAt: '2026-11-22T02:00:01.000Z', overdue: false, submittedLate: true },
      userErrors: [],
    });
    const after = await server.gql(`{ dailyReports(filter: { rectificationOverdue: true }) { totalCount } }`);
    expect(after.data.dailyReports.totalCount).toBe(2);
    // The same submission again (a phone retrying after its answer was lost) is answered with the stored one.
    clock = new Date('2026-11-22T10:05:00+08:00');
    const retried = await server.gql(SUBMIT, { input: { id: search.id, content: '搜索词出价已调整，详情页首屏改版' } }, bearer(operator));
    expect(retried.data.submitRectification).toEqual(submitted.data.submitRectification);

    // Submitted is final: a later "ok" by someone else neither replaces the content nor makes it look late.
    clock = new Date('2026-12-04T09:00:00+08:00');
    const resubmitted = await server.gql(
      `mutation ($input: SubmitRectificationInput!) { submitRectification(input: $input) { rectification { id } userErrors { code message messageZh: message(locale: ZH_CN) field } } }`,
      { input: { id: search.id, content: 'ok' } },
    );
    expect(resubmitted.data.submitRectification).toEqual({
      rectification: null,
      userErrors: [{
        code: 'CONFLICT',
        field: ['input', 'id'],
        message: 'already submitted by 运营主管 王 at 2026-11-22 10:00:01 (Asia/Shanghai); a submitted rectification is not replaced',
        messageZh: '已由 运营主管 王 于 2026-11-22 10:00:01（北京时间）提交；已提交的整改报告不会被替换',
      }],
    });
    expect((await report(shopA)).data.dailyReport.rows[0].rectification).toMatchObject({ content: '搜索词出价已调整，详情页首屏改版', submittedBy: '运营主管 王', submittedAt: '2026-11-22T02:00:01.000Z' });
  });

  it('writes the anomaly note, corrective action and owner, and lists the row', async () => {
    await scripted();
    const written = await server.gql(WRITE, {
      input: { shopId: gid('Shop', shopA), date: '2026-11-19', source: 'SEARCH', anomalyNote: '转化率下降 60%', correctiveAction: '调整主图', owner: '小李' },
    });
    expect(written.data.writeDailyReportNote).toEqual({ row: { source: 'SEARCH', anomalyNote: '转化率下降 60%', correctiveAction: '调整主图', owner: '小李' }, userErrors: [] });
    await server.gql(WRITE, { input: { shopId: gid('Shop', shopA), date: '2026-11-19', source: 'SEARCH', owner: '小张' } });
    // A day that has not begun (Asia/Shanghai) has nothing to explain yet.
    const future = await server.gql(WRITE, { input: { shopId: gid('Shop', shopA), date: '2099-12-31', source: 'SEARCH', owner: '小张' } });
    expect(future.data.writeDailyReportNote.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'date'] })]);
    const row = (await report(shopA)).data.dailyReport.rows[0];
    expect(row).toMatchObject({ anomalyNote: '转化率下降 60%', correctiveAction: '调整主图', owner: '小张' });
    const list = await server.gql(`{ dailyReports(filter: { from: "2026-11-19", to: "2026-11-19", anomaliesOnly: true }) { totalCount edges { node { source owner figures { gmv } } } } }`);
    expect(list.data.dailyReports.totalCount).toBe(3);
    expect(list.data.dailyReports.edges.map((e: { node: { source: string } }) => e.node.source).sort()).toEqual(['PAID', 'RECOMMENDATION', 'SEARCH']);
  });

  it('refuses a list of report rows whose window ends before it starts, as orders does, and lists a one-day window', async () => {
    await scripted();
    await report(shopA); // stores 11-19's rows with their rectifications
    const backwards = await server.post(`{ dailyReports(filter: { from: "2026-12-07", to: "2026-12-01" }) { totalCount } }`);
    const refusal = {
      message: '"from" must be before "to"',
      extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_WINDOW', messageZh: '"from" 必须早于 "to"' },
    };
    expect(backwards.body.data).toBeNull();
    expect(backwards.body.errors?.[0]).toMatchObject(refusal);
    const orders = await server.post(`{ orders(filter: { from: "2026-12-07T00:00:00+08:00", to: "2026-12-01T00:00:00+08:00" }) { totalCount } }`);
    expect(orders.body.errors?.[0]).toMatchObject(refusal);
    const oneDay = await server.gql(`{ dailyReports(filter: { from: "2026-11-19", to: "2026-11-19" }) { totalCount } }`);
    expect(oneDay.errors).toBeUndefined();
    expect(oneDay.data.dailyReports.totalCount).toBeGreaterThan(0);
  });

  it('refuses a day or an instant outside 2000-01-01 – 9998-12-31 in Shanghai as bad input, not an internal error', async () => {
    const outside = { message: expect.stringContaining('from 2000-01-01 to 9998-12-31'), extensions: { code: 'BAD_USER_INPUT' } };
    // 0001-01-01 began in the year 0 in UTC, which PostgreSQL lacks: these were internal errors.
    for (const date of ['0000-01-01', '0001-01-01', '1999-12-31', '9999-12-31']) expect((await report(shopA, date)).errors?.[0], date).toMatchObject(outside);
    const early = await server.gql(`{ metrics(scope: {}, from: "0001-01-01T00:00:00Z", to: "0001-01-02T00:00:00Z") { orders } }`);
    expect(early.errors?.[0]).toMatchObject(outside);
    const late = await server.gql(`{ metrics(scope: {}, from: "9999-12-30T00:00:00Z", to: "9999-12-31T23:59:59Z") { orders } }`);
    expect(late.errors?.[0]).toMatchObject(outside);
    // The first and last days taken are answered, with the day, week and month before and after them.
    for (const date of ['2000-01-01', '9998-12-31']) expect((await report(shopA, date)).errors, date).toBeUndefined();
    const periods = await server.gql(`query ($s: ID!) {
      first: weeklyReport(shopId: $s, weekOf: "2000-01-01") { from to } last: weeklyReport(shopId: $s, weekOf: "9998-12-31") { from to }
      january: monthlyReport(shopId: $s, month: "2000-01") { from } december: monthlyReport(shopId: $s, month: "9998-12") { to }
    }`, { s: gid('Shop', shopA) });
    expect(periods.errors).toBeUndefined();
    expect(periods.data).toEqual({ first: { from: '1999-12-27', to: '2000-01-02' }, last: { from: '9998-12-28', to: '9999-01-03' }, january: { from: '2000-01-01' }, december: { to: '9998-12-31' } });
    const edges = await server.gql(`{ metrics(scope: {}, from: "2000-01-01T00:00:00+08:00", to: "2000-01-03T00:00:00+08:00") { orders series(interval: DAY) { at } } }`);
    expect(edges.data.metrics.series.map((p: { at: string }) => p.at)).toEqual(['1999-12-31T16:00:00.000Z', '2000-01-01T16:00:00.000Z']);
  });

  it('refuses a partner of another shop and a read-only key', async () => {
    await scripted();
    const search = (await report(shopA)).data.dailyReport.rows[0].rectification;
    const partner = await server.createKey({ name: 'partner', shopIds: [shopB], scopes: ['READ', 'MANAGE'] });
    const refused = await report(shopA, '2026-11-19', bearer(partner));
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await server.gql(`{ dailyReports(filter: { shopIds: ["${gid('Shop', shopA)}"] }) { totalCount } }`, {}, bearer(partner))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await server.gql(`{ dailyReports { totalCount } }`, {}, bearer(partner))).data.dailyReports.totalCount).toBe(0);
    expect((await server.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id: search.id }, bearer(partner))).data.node).toBeNull();
    const submit = await server.gql(SUBMIT, { input: { id: search.id, content: 'x' } }, bearer(partner));
    expect(submit.data.submitRectification.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
    const write = await server.gql(WRITE, { input: { shopId: gid('Shop', shopA), date: '2026-11-19', source: 'SEARCH', owner: 'x' } }, bearer(partner));
    expect(write.data.writeDailyReportNote.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'shopId'] }]);

    const reader = await server.createKey({ name: 'reader', shopIds: [shopA], scopes: ['READ'] });
    expect((await report(shopA, '2026-11-19', bearer(reader))).errors).toBeUndefined();
    for (const [query, input] of [
      [WRITE, { shopId: gid('Shop', shopA), date: '2026-11-19', source: 'SEARCH', owner: 'x' }],
      [SUBMIT, { id: search.id, content: 'x' }],
    ] as const) {
      const res = await server.gql(query, { input }, bearer(reader));
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const stillOpen = (await report(shopA)).data.dailyReport.rows[0];
    expect(stillOpen.owner).toBeNull();
    expect(stillOpen.rectification.submittedBy).toBeNull();
  });
});
