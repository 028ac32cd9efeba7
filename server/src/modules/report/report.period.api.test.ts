import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TrafficSource } from '../../db/enums.js';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import type { Counters } from '../metrics/metrics.formulas.js';
import { insertRollups } from '../metrics/metrics.test-fixtures.js';
import { openRectifications } from './report.service.js';

const FIGURES = 'visitors pageViews conversionRate gmv orders buyers refundRate spend roi';
const PERIOD = `{ kind from to dueAt complete previousFrom previousTo previousToDateUntil changeToDate { gmv }
  totals { ${FIGURES} } previousTotals { ${FIGURES} } change { visitors gmv orders }
  rows { source figures { ${FIGURES} } previousPeriod { ${FIGURES} } change { visitors gmv } changeToDate { gmv } }
  anomalyFollowUp { flaggedRows opened submitted submittedLate overdue rectifications { id reasons dueAt overdue submittedBy submittedLate } } }`;
const WEEKLY = `query ($shopId: ID!, $weekOf: Date!) { weeklyReport(shopId: $shopId, weekOf: $weekOf) ${PERIOD} }`;
const MONTHLY = `query ($shopId: ID!, $month: String!) { monthlyReport(shopId: $shopId, month: $month) ${PERIOD} }`;
const DAILY = `query ($shopId: ID!, $date: Date!) { dailyReport(shopId: $shopId, date: $date) { rows { source rectification { id } } } }`;
const METRICS = `query ($scope: MetricScope!, $from: DateTime!, $to: DateTime!) { metrics(scope: $scope, from: $from, to: $to) { ${FIGURES} } }`;

/** `n` ids `prefix<start>` … `prefix<start + n − 1>`: the same person on two days carries the same id. */
const ids = (prefix: string, start: number, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${start + i}`);

interface Activity {
  at: string;
  source: TrafficSource;
  visitors: [number, number];
  buyers: [number, number];
  counters?: Partial<Counters>;
}

describeEachBackend('weekly and monthly roll-ups of the daily report', (backend) => {
  let server: TestServer;
  let clock: Date;
  let shopA: string;
  let shopB: string;
  beforeEach(async () => {
    server = await startTestServer(backend(), { now: () => clock });
    shopA = (await insertShop(backend().db, '甲店')).id;
    shopB = (await insertShop(backend().db, '乙店')).id;
  });
  afterEach(() => server.stop());

  const record = (shopId: string, activities: Activity[]) =>
    insertRollups(
      backend().db,
      activities.map((a) => ({
        at: new Date(a.at),
        shopId,
        source: a.source,
        visitors: ids(`${a.source}-v`, ...a.visitors),
        buyers: ids(`${a.source}-b`, ...a.buyers),
        counters: { visits: a.visitors[1], pageViews: a.visitors[1] * 2, ordersPaid: a.buyers[1], ...a.counters },
      })),
    );

  /**
   * The week of Mon 16 – Sun 22 November 2026 and its edges. Search: visitors 0–299 on Monday and
   * 100–399 on Tuesday (400 distinct, 600 visits), conversion 10 % then 4 % (CONVERSION_DROP on
   * Tuesday); Paid on Wednesday refunds 10 % of 40 orders at ROI 0.67 (REFUND_RATE_SPIKE, ROI_BELOW_ONE).
   */
  async function scriptedWeek() {
    await record(shopA, [
      { at: '2026-11-15T23:59:00+08:00', source: 'SEARCH', visitors: [1000, 100], buyers: [1000, 5], counters: { gmvFen: 50_000 } }, // the week before
      { at: '2026-11-16T00:00:00+08:00', source: 'SEARCH', visitors: [0, 300], buyers: [0, 30], counters: { gmvFen: 300_000 } },
      { at: '2026-11-17T12:00:00+08:00', source: 'SEARCH', visitors: [100, 300], buyers: [20, 12], counters: { gmvFen: 120_000 } },
      { at: '2026-11-18T12:00:00+08:00', source: 'PAID', visitors: [0, 150], buyers: [0, 40], counters: { refundedOrders: 4, gmvFen: 20_000, spendFen: 30_000 } },
      { at: '2026-11-22T23:59:00+08:00', source: 'OTHER', visitors: [0, 10], buyers: [0, 1], counters: { gmvFen: 1_001 } },
      { at: '2026-11-23T00:00:00+08:00', source: 'OTHER', visitors: [50, 10], buyers: [50, 1], counters: { gmvFen: 99_999 } }, // the week after
    ]);
    await record(shopB, [{ at: '2026-11-17T12:00:00+08:00', source: 'SEARCH', visitors: [5000, 10], buyers: [5000, 1], counters: { gmvFen: 7_700 } }]);
  }

  const weekly = (shopId: string, weekOf: string, headers?: Record<string, string>) => server.gql(WEEKLY, { shopId: gid('Shop', shopId), weekOf }, headers);
  const metrics = async (shopId: string, from: string, to: string, sources?: string[]) =>
    (await server.gql(METRICS, { scope: { shopIds: [gid('Shop', shopId)], ...(sources ? { sources } : {}) }, from, to })).data.metrics;

  it('a week is Monday to Sunday in Asia/Shanghai, its figures equal metrics for the week, visitors and buyers counted once', async () => {
    clock = new Date('2026-11-24T10:00:00+08:00');
    await scriptedWeek();
    const { data, errors } = await weekly(shopA, '2026-11-22'); // a Sunday: the week that ends on it
    expect(errors).toBeUndefined();
    const week = data.weeklyReport;
    expect(week).toMatchObject({ kind: 'WEEK', from: '2026-11-16', to: '2026-11-22', previousFrom: '2026-11-09', previousTo: '2026-11-15', complete: true });
    expect(week.dueAt).toBe('2026-11-22T16:00:00.000Z'); // Monday 23 November 00:00 Shanghai
    expect((await weekly(shopA, '2026-11-16')).data.weeklyReport).toEqual(week);

    const window = ['2026-11-16T00:00:00+08:00', '2026-11-23T00:00:00+08:00'] as const;
    expect(week.totals).toEqual(await metrics(shopA, ...window));
    expect(week.rows.map((r: { source: string }) => r.source)).toEqual(['SEARCH', 'PAID', 'OTHER']);
    for (const row of week.rows) expect(row.figures).toEqual(await metrics(shopA, ...window, [row.source]));
    expect(week.previousTotals).toEqual(await metrics(shopA, '2026-11-09T00:00:00+08:00', '2026-11-16T00:00:00+08:00'));

    const search = week.rows[0];
    // Counted independently: ¥3,000 + ¥1,200, 42 paid orders, 1,200 page views; 400 distinct visitors
    // of 600 visits and 32 distinct buyers of 42 orders (the sketches' error is within 2 %).
    expect(search.figures).toMatchObject({ gmv: '4200.00', orders: 42, pageViews: 1200, spend: '0.00', roi: null });
    expect(search.figures.visitors).toBeGreaterThan(392);
    expect(search.figures.visitors).toBeLessThan(408);
    expect(search.figures.buyers).toBe(32);
    expect(search.previousPeriod).toMatchObject({ gmv: '500.00', orders: 5, buyers: 5 });
    expect(search.change.gmv).toBeCloseTo(7.4, 10); // (4200 − 500) / 500
    const paid = week.rows[1];
    expect(paid.figures).toMatchObject({ gmv: '200.00', spend: '300.00', refundRate: 0.1 });
    expect(paid.figures.roi).toBeCloseTo(2 / 3, 10);
    expect(paid.change).toEqual({ visitors: null, gmv: null }); // nothing the week before
    expect(week.rows[2].figures.gmv).toBe('10.01'); // 23:59 Sunday is in, 00:00 Monday is not
    expect(week.totals.gmv).toBe('4410.01');
    expect(week.totals.orders).toBe(83);
  });

  it('follows up the week\'s anomalies: rows flagged, rectifications opened, submitted and overdue', async () => {
    await scriptedWeek();
    // The Tuesday and Wednesday reports were read the morning after: their rectifications opened then.
    clock = new Date('2026-11-18T10:00:00+08:00');
    const tuesday = (await server.gql(DAILY, { shopId: gid('Shop', shopA), date: '2026-11-17' })).data.dailyReport.rows[0].rectification;
    clock = new Date('2026-11-19T10:00:00+08:00');
    const wednesday = (await server.gql(DAILY, { shopId: gid('Shop', shopA), date: '2026-11-18' })).data.dailyReport.rows;
    const paidRect = wednesday.find((r: { source: string }) => r.source === 'PAID').rectification;
    const submit = `mutation ($id: ID!) { submitRectification(input: { id: $id, content: "退款原因已查明" }) { userErrors { code } } }`;
    expect((await server.gql(submit, { id: paidRect.id })).data.submitRectification.userErrors).toEqual([]);

    clock = new Date('2026-11-24T10:00:00+08:00');
    const followUp = (await weekly(shopA, '2026-11-18')).data.weeklyReport.anomalyFollowUp;
    expect(followUp).toEqual({
      flaggedRows: 2,
      opened: 2,
      submitted: 1,
      submittedLate: 0,
      overdue: 1,
      rectifications: [
        { id: tuesday.id, reasons: ['CONVERSION_DROP'], dueAt: '2026-11-20T02:00:00.000Z', overdue: true, submittedBy: null, submittedLate: false },
        { id: paidRect.id, reasons: ['REFUND_RATE_SPIKE', 'ROI_BELOW_ONE'], dueAt: '2026-11-21T02:00:00.000Z', overdue: false, submittedBy: 'Admin key', submittedLate: false },
      ],
    });

    // Tuesday's, submitted four days late, is no longer overdue, and the week still says one came late.
    expect((await server.gql(submit, { id: tuesday.id })).data.submitRectification.userErrors).toEqual([]);
    const after = (await weekly(shopA, '2026-11-18')).data.weeklyReport.anomalyFollowUp;
    expect(after).toMatchObject({ submitted: 2, submittedLate: 1, overdue: 0 });
    expect(after.rectifications[0]).toMatchObject({ id: tuesday.id, overdue: false, submittedLate: true });
  });

  it('the current week is incomplete and counts only its days so far', async () => {
    clock = new Date('2026-11-19T10:00:00+08:00'); // Thursday
    await scriptedWeek();
    const week = (await weekly(shopA, '2026-11-19')).data.weeklyReport;
    expect(week).toMatchObject({ from: '2026-11-16', to: '2026-11-22', complete: false });
    // Tuesday's row is flagged and closed; Thursday's (today) is not read as closed.
    expect(week.anomalyFollowUp).toMatchObject({ flaggedRows: 2, opened: 2, submitted: 0, overdue: 0 });
    clock = new Date('2026-11-23T00:00:00+08:00');
    expect((await weekly(shopA, '2026-11-19')).data.weeklyReport.complete).toBe(true);
  });

  it('compares a month so far with the same span of the month before (环比同期), not with all of it', async () => {
    clock = new Date('2026-12-07T10:00:00+08:00');
    await record(shopA, [
      // November: 100 visitors in its first week up to the 7th, 10:00; 900 more after it.
      { at: '2026-11-03T12:00:00+08:00', source: 'SEARCH', visitors: [0, 100], buyers: [0, 10], counters: { gmvFen: 100_000 } },
      { at: '2026-11-07T10:00:00+08:00', source: 'SEARCH', visitors: [100, 900], buyers: [10, 90], counters: { gmvFen: 900_000 } },
      // December so far: 110 visitors.
      { at: '2026-12-05T12:00:00+08:00', source: 'SEARCH', visitors: [5000, 110], buyers: [5000, 11], counters: { gmvFen: 110_000 } },
    ]);
    const query = `query ($shopId: ID!, $month: String!) { monthlyReport(shopId: $shopId, month: $month) {
      complete previousToDateUntil previousToDateTotals { gmv orders } change { gmv orders } changeToDate { gmv orders }
      rows { source previousToDate { gmv } changeToDate { gmv } } } }`;
    const running = (await server.gql(query, { shopId: gid('Shop', shopA), month: '2026-12' })).data.monthlyReport;
    expect(running).toMatchObject({ complete: false, previousToDateUntil: '2026-11-07T02:00:00.000Z' });
    // Against all of November: −89 % GMV; against November up to the 7th, 10:00 (the 10:00 hour not yet): +10 %.
    expect(running.change.gmv).toBeCloseTo(110_000 / 1_000_000 - 1, 10);
    expect(running.previousToDateTotals).toEqual({ gmv: '1000.00', orders: 10 });
    expect(running.changeToDate).toEqual({ gmv: expect.closeTo(0.1, 10), orders: expect.closeTo(0.1, 10) });
    expect(running.rows).toEqual([{ source: 'SEARCH', previousToDate: expect.objectContaining({ gmv: '1000.00' }), changeToDate: { gmv: expect.closeTo(0.1, 10) } }]);

    // Once the month is over there is nothing partial to compare: `change` is like for like.
    clock = new Date('2027-01-01T00:00:00+08:00');
    const done = (await server.gql(query, { shopId: gid('Shop', shopA), month: '2026-12' })).data.monthlyReport;
    expect(done).toMatchObject({ complete: true, previousToDateUntil: null, previousToDateTotals: null, changeToDate: null });
    expect(done.rows[0]).toMatchObject({ previousToDate: null, changeToDate: null });
  });

  it('a month is its calendar days in Asia/Shanghai, due by the 5th of the next, and equals metrics', async () => {
    await scriptedWeek();
    // The 17th's and 18th's flagged rows had their rectifications opened while they were recent, by the
    // sweep of the 19th; reading November on 2 December opens nothing more (only the last two days would).
    clock = new Date('2026-11-19T10:00:00+08:00');
    await openRectifications(backend().db, clock);
    clock = new Date('2026-12-02T10:00:00+08:00');
    await record(shopA, [
      { at: '2026-10-31T23:59:00+08:00', source: 'SEARCH', visitors: [2000, 40], buyers: [2000, 4], counters: { gmvFen: 40_000 } },
      { at: '2026-11-01T00:00:00+08:00', source: 'SEARCH', visitors: [0, 50], buyers: [0, 2], counters: { gmvFen: 2_000 } },
      { at: '2026-12-01T00:00:00+08:00', source: 'SEARCH', visitors: [0, 50], buyers: [0, 9], counters: { gmvFen: 900_000 } },
    ]);
    const { data, errors } = await server.gql(MONTHLY, { shopId: gid('Shop', shopA), month: '2026-11' });
    expect(errors).toBeUndefined();
    const month = data.monthlyReport;
    expect(month).toMatchObject({ kind: 'MONTH', from: '2026-11-01', to: '2026-11-30', previousFrom: '2026-10-01', previousTo: '2026-10-31', complete: true });
    expect(month.dueAt).toBe('2026-12-05T16:00:00.000Z'); // the 5th, 24:00 Shanghai
    const window = ['2026-11-01T00:00:00+08:00', '2026-12-01T00:00:00+08:00'] as const;
    expect(month.totals).toEqual(await metrics(shopA, ...window));
    for (const row of month.rows) expect(row.figures).toEqual(await metrics(shopA, ...window, [row.source]));
    // November: ¥20 on the 1st, ¥500 on the 15th, the week's ¥4,410.01 and ¥999.99 on the 23rd; October: ¥400.
    expect(month.totals.gmv).toBe('5930.00');
    expect(month.previousTotals.gmv).toBe('400.00');
    // Buyers 0–31 (those of the 1st bought again on the 16th) and 1000–1004 of the 15th.
    expect(month.rows[0].figures).toMatchObject({ orders: 49, buyers: 37, gmv: '4720.00' });
    expect(month.anomalyFollowUp).toMatchObject({ flaggedRows: 2, opened: 2 });

    const bad = await server.gql(MONTHLY, { shopId: gid('Shop', shopA), month: '2026-13' });
    expect(bad.data).toBeNull();
    expect(bad.errors?.[0]?.message).toContain('YYYY-MM');
  });

  it('refuses another merchant\'s shop exactly as dailyReport does, and a key without READ', async () => {
    clock = new Date('2026-11-24T10:00:00+08:00');
    await scriptedWeek();
    const partner = await server.createKey({ name: 'partner', shopIds: [shopB], scopes: ['READ', 'MANAGE'] });
    const daily = await server.gql(`query ($s: ID!) { dailyReport(shopId: $s, date: "2026-11-17") { date } }`, { s: gid('Shop', shopA) }, bearer(partner));
    expect(daily.data).toBeNull();
    expect(daily.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const [query, variables] of [
      [WEEKLY, { shopId: gid('Shop', shopA), weekOf: '2026-11-17' }],
      [MONTHLY, { shopId: gid('Shop', shopA), month: '2026-11' }],
    ] as const) {
      const refused = await server.gql(query, variables, bearer(partner));
      expect(refused.data).toBeNull();
      expect(refused.errors?.map((e) => [e.message, e.extensions?.code])).toEqual(daily.errors?.map((e) => [e.message, e.extensions?.code]));
    }
    // Their own shop answers with their own figures only.
    expect((await weekly(shopB, '2026-11-17', bearer(partner))).data.weeklyReport.totals.gmv).toBe('77.00');

    const producer = await server.createKey({ name: 'producer', shopIds: [shopA], scopes: ['INGEST'] });
    const noRead = await weekly(shopA, '2026-11-17', bearer(producer));
    expect(noRead.data).toBeNull();
    expect(noRead.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
