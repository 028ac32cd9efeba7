import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop } from '../../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../../test/http.js';
import { insertRollups } from '../metrics/metrics.test-fixtures.js';
import { openRectifications } from './report.service.js';

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

    clock = new Date('2026-11-23T03:00:00+08:00'); // a day more: CRITICAL
    await server.app.alertEngine.evaluate();
    expect((await alerts())[0]).toMatchObject({ status: 'OPEN', severity: 'CRITICAL', value: 26 });

    const submitted = await server.gql(`mutation ($id: ID!) { submitRectification(input: { id: $id, content: "已调整出价" }) { rectification { submittedBy overdue } userErrors { code } } }`, { id: rect.id });
    expect(submitted.data.submitRectification).toEqual({ rectification: { submittedBy: 'Admin key', overdue: false }, userErrors: [] });
    await server.app.alertEngine.evaluate();
    expect((await alerts())[0]).toMatchObject({ status: 'RESOLVED' });
  });
});
