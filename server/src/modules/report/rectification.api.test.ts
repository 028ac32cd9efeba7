import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop } from '../../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../../test/http.js';
import { insertRollups } from '../metrics/metrics.test-fixtures.js';
import { eq } from 'drizzle-orm';
import { SYSTEM } from '../../auth/viewer.js';
import { dailyReportsCsv } from './report.csv.js';
import { openRectifications } from './report.service.js';
import { rectificationReports } from './report.table.js';

const ALERTS = `{ alerts(filter: { rules: [RECTIFICATION_OVERDUE] }) { edges { node { status severity subject value threshold } } } }`;
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describeEachBackend('rectification reports (整改报告) and the overdue alert', (backend) => {
  let server: TestServer;
  let clock: Date;
  let shopId: string;
  beforeEach(async () => {
    clock = new Date('2026-11-20T01:00:00+08:00');
    server = await startTestServer(backend(), { now: () => clock });
    shopId = (await insertShop(backend().db, '甲店')).id;
    // Search converted 10 % on the 18th and 4 % on the 19th, on 300 visitors each day: CONVERSION_DROP.
    for (const [at, buyers] of [['2026-11-18T12:00:00+08:00', 30], ['2026-11-19T12:00:00+08:00', 12]] as const) {
      await insertRollups(backend().db, [{ at: new Date(at), shopId, source: 'SEARCH', visitors: ids(`v${at}`, 300), buyers: ids(`b${at}`, buyers), counters: { ordersPaid: buyers } }]);
    }
  });
  afterEach(() => server.stop());

  const alerts = async () => (await server.gql(ALERTS)).data.alerts.edges.map((e: { node: unknown }) => e.node);

  it('the daily sweep opens yesterday\'s rectification once; the alert fires when it is overdue and resolves when submitted', async () => {
    expect(await openRectifications(backend().db, clock)).toBe(1);
    expect(await openRectifications(backend().db, clock)).toBe(1); // idempotent: still one report
    const report = await server.gql(`query ($s: ID!) { dailyReport(shopId: $s, date: "2026-11-19") { rows { rectification { id dueAt overdue } } } }`, { s: gid('Shop', shopId) });
    const rect = report.data.dailyReport.rows[0].rectification;
    expect(rect).toMatchObject({ dueAt: '2026-11-21T17:00:00.000Z', overdue: false });

    await server.app.alertEngine.evaluate();
    expect(await alerts()).toEqual([]);

    clock = new Date('2026-11-22T03:00:00+08:00'); // two hours past due
    await server.app.alertEngine.evaluate();
    expect(await alerts()).toEqual([{ status: 'OPEN', severity: 'WARNING', subject: '甲店 2026-11-19 SEARCH', value: 2, threshold: 0 }]);
    // Worded with the source's name as the screens show it, never its code.
    const words = await server.gql(`{ alerts(filter: { rules: [RECTIFICATION_OVERDUE] }) { edges { node { zh: message en: message(locale: EN) } } } }`);
    expect(words.data.alerts.edges[0].node).toEqual({
      zh: '2026-11-19 搜索的异常数据整改报告已逾期 2 小时（应于 48 小时内提交）',
      en: '2026-11-19 Search rectification report 2 h overdue (due within 48 h)',
    });

    clock = new Date('2026-11-23T03:00:00+08:00'); // a day more: CRITICAL
    await server.app.alertEngine.evaluate();
    expect((await alerts())[0]).toMatchObject({ status: 'OPEN', severity: 'CRITICAL', value: 26 });

    const submitted = await server.gql(`mutation ($id: ID!) { submitRectification(input: { id: $id, content: "已调整出价" }) { rectification { submittedBy overdue } userErrors { code } } }`, { id: rect.id });
    expect(submitted.data.submitRectification).toEqual({ rectification: { submittedBy: 'Admin key', overdue: false }, userErrors: [] });
    await server.app.alertEngine.evaluate();
    expect((await alerts())[0]).toMatchObject({ status: 'RESOLVED' });
  });

  it("opens nothing for a flagged day older than the sweep's two, whether read, exported or summed into its month", async () => {
    // The flagged 19th, read on the 25th: history, not an obligation due on the 27th.
    clock = new Date('2026-11-25T10:00:00+08:00');
    const rectifications = async () => (await backend().db.select({ id: rectificationReports.id }).from(rectificationReports)).length;
    const day = await server.gql(`query ($s: ID!) { dailyReport(shopId: $s, date: "2026-11-19") { rows { source anomalies { rule } rectification { id } } } }`, { s: gid('Shop', shopId) });
    expect(day.data.dailyReport.rows).toEqual([{ source: 'SEARCH', anomalies: [{ rule: 'CONVERSION_DROP' }], rectification: null }]);
    expect(await dailyReportsCsv(backend().db, SYSTEM, { from: '2026-11-01', to: '2026-11-24' }, clock)).toContain('2026-11-19');
    const month = await server.gql(`query ($s: ID!) { monthlyReport(shopId: $s, month: "2026-11") { kind } }`, { s: gid('Shop', shopId) });
    expect(month.data.monthlyReport).toEqual({ kind: 'MONTH' });
    expect(await rectifications()).toBe(0);
    await server.app.alertEngine.evaluate();
    expect(await alerts()).toEqual([]);
    // The day before yesterday is still the sweep's: reading the 23rd's flagged report opens it, due in 48 hours.
    await insertRollups(backend().db, [{ at: new Date('2026-11-23T12:00:00+08:00'), shopId, source: 'SEARCH', visitors: ids('v23-', 300), buyers: ids('b23-', 3), counters: { ordersPaid: 3 } }]);
    await insertRollups(backend().db, [{ at: new Date('2026-11-22T12:00:00+08:00'), shopId, source: 'SEARCH', visitors: ids('v22-', 300), buyers: ids('b22-', 30), counters: { ordersPaid: 30 } }]);
    const recent = await server.gql(`query ($s: ID!) { dailyReport(shopId: $s, date: "2026-11-23") { rows { rectification { dueAt } } } }`, { s: gid('Shop', shopId) });
    expect(recent.data.dailyReport.rows[0].rectification).toEqual({ dueAt: '2026-11-27T02:00:00.000Z' });
    expect(await rectifications()).toBe(1);
  });

  it('opens a closed day flagged by data that came after its first sweep, at the next hour, and a day missed over midnight the day after', async () => {
    const late = (await insertShop(backend().db, '乙店', 'JD')).id;
    const opened = async () => (await backend().db.select({ id: rectificationReports.id }).from(rectificationReports).where(eq(rectificationReports.shopId, late))).length;
    await insertRollups(backend().db, [{ at: new Date('2026-11-18T12:00:00+08:00'), shopId: late, source: 'SEARCH', visitors: ids('late18-', 300), buyers: ids('lb18-', 30), counters: { ordersPaid: 30 } }]);
    clock = new Date('2026-11-20T00:10:00+08:00');
    const evaluateAndSweep = async () => {
      await server.app.alertEngine.evaluate();
      await server.app.alertEngine.sweepsDone();
    };
    await evaluateAndSweep(); // the first sweep of the 20th: the 19th has no figures yet
    expect(await opened()).toBe(0);
    // 00:20: the 19th's figures arrive late, and convert 4 % against 10 %.
    await insertRollups(backend().db, [{ at: new Date('2026-11-19T23:00:00+08:00'), shopId: late, source: 'SEARCH', visitors: ids('late19-', 300), buyers: ids('lb19-', 12), counters: { ordersPaid: 12 } }]);
    clock = new Date('2026-11-20T00:40:00+08:00');
    await evaluateAndSweep(); // same hour: not swept again
    expect(await opened()).toBe(0);
    clock = new Date('2026-11-20T01:05:00+08:00');
    await evaluateAndSweep();
    expect(await opened()).toBe(1);

    // The 20th flagged too, but the engine does not run again until the 22nd: the day before yesterday is still swept.
    await insertRollups(backend().db, [{ at: new Date('2026-11-20T12:00:00+08:00'), shopId: late, source: 'SEARCH', visitors: ids('late20-', 300), buyers: ids('lb20-', 3), counters: { ordersPaid: 3 } }]);
    clock = new Date('2026-11-22T00:05:00+08:00');
    await evaluateAndSweep();
    expect(await opened()).toBe(2);
  });
});
