import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend, twoEditsAtOnce } from '../../../test/backends.js';
import { gid, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { insertRollups } from '../metrics/metrics.test-fixtures.js';
import { dailyReports } from './report.table.js';

const WRITE = `mutation ($input: WriteDailyReportNoteInput!) { writeDailyReportNote(input: $input) {
  row { anomalyNote correctiveAction owner noteUpdatedAt noteUpdatedBy } userErrors { code field message } } }`;
const NOTES = `query ($shopId: ID!) { dailyReport(shopId: $shopId, date: "2026-11-19") { rows { source anomalyNote owner noteUpdatedAt } } }`;

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const sh = (local: string) => new Date(`${local}+08:00`);

describeEachBackend('daily report notes edited by several people (expectedUpdatedAt)', (backend) => {
  let server: TestServer;
  let clock: Date;
  let shopId: string;
  beforeEach(async () => {
    clock = sh('2026-11-20T10:00:00');
    server = await startTestServer(backend(), { now: () => clock });
    shopId = (await insertShop(backend().db, '甲店')).id;
    // Search converted 10 % on the 18th and 4 % on the 19th, on 300 visitors each day: CONVERSION_DROP.
    for (const [at, buyers] of [['2026-11-18T12:00:00+08:00', 30], ['2026-11-19T12:00:00+08:00', 12]] as const) {
      await insertRollups(backend().db, [{ at: new Date(at), shopId, source: 'SEARCH', visitors: ids(`v${at}`, 300), buyers: ids(`b${at}`, buyers), counters: { ordersPaid: buyers } }]);
    }
  });
  afterEach(() => server.stop());

  const write = async (input: Record<string, unknown>, headers?: Record<string, string>) => {
    const result = await server.gql(WRITE, { input: { shopId: gid('Shop', shopId), date: '2026-11-19', source: 'SEARCH', ...input } }, headers);
    expect(result.errors).toBeUndefined();
    return result.data.writeDailyReportNote;
  };
  const search = async () => (await server.gql(NOTES, { shopId: gid('Shop', shopId) })).data.dailyReport.rows.find((r: { source: string }) => r.source === 'SEARCH');
  const searchRow = () => and(eq(dailyReports.shopId, shopId), eq(dailyReports.date, '2026-11-19'), eq(dailyReports.source, 'SEARCH'));

  it('a save from the version loaded is written; a save from an older one is refused with CONFLICT saying when, and writes nothing', async () => {
    await write({ anomalyNote: '转化率下降 60%' });
    const loaded = (await search()).noteUpdatedAt;
    expect(loaded).toBe(clock.toISOString());

    clock = sh('2026-11-20T10:05:00');
    const first = await write({ correctiveAction: '调整主图', expectedUpdatedAt: loaded });
    expect(first).toEqual({ row: { anomalyNote: '转化率下降 60%', correctiveAction: '调整主图', owner: null, noteUpdatedAt: clock.toISOString(), noteUpdatedBy: 'Admin key' }, userErrors: [] });

    clock = sh('2026-11-20T10:07:00');
    const stale = await write({ correctiveAction: '暂停投放', owner: '小张', expectedUpdatedAt: loaded });
    expect(stale).toEqual({
      row: null,
      userErrors: [{
        code: 'CONFLICT',
        field: ['input', 'expectedUpdatedAt'],
        message: 'the notes of 2026-11-19 SEARCH were changed by Admin key at 2026-11-20 10:05:00 (Asia/Shanghai), after the version you loaded; yours were not saved: reload, merge and save again',
      }],
    });
    const after = await search();
    expect(after).toMatchObject({ anomalyNote: '转化率下降 60%', owner: null, noteUpdatedAt: sh('2026-11-20T10:05:00').toISOString() });

    // Reloaded, the same edit goes through.
    const again = await write({ correctiveAction: '暂停投放', owner: '小张', expectedUpdatedAt: after.noteUpdatedAt });
    expect(again.row).toMatchObject({ correctiveAction: '暂停投放', owner: '小张', noteUpdatedAt: clock.toISOString() });
  });

  it('without expectedUpdatedAt (or with null) the last write wins, as for partners that never send it', async () => {
    await write({ owner: '小李' });
    clock = sh('2026-11-20T10:05:00');
    expect((await write({ owner: '小张' })).row.owner).toBe('小张');
    clock = sh('2026-11-20T10:06:00');
    expect((await write({ owner: '小王', expectedUpdatedAt: null })).row).toMatchObject({ owner: '小王', noteUpdatedAt: clock.toISOString() });
  });

  it('a version sent for a row that was never stored is a CONFLICT, and creates nothing', async () => {
    const refused = await write({ owner: '小李', expectedUpdatedAt: '2026-11-20T01:00:00.000Z' });
    expect(refused.userErrors).toEqual([{
      code: 'CONFLICT',
      field: ['input', 'expectedUpdatedAt'],
      message: 'the notes of 2026-11-19 SEARCH have never been written, so there is no version of 2026-11-20 09:00:00 (Asia/Shanghai); yours were not saved: reload and save again',
    }]);
    const inChinese = await server.gql(
      `mutation ($input: WriteDailyReportNoteInput!) { writeDailyReportNote(input: $input) { userErrors { messageZh: message(locale: ZH_CN) } } }`,
      { input: { shopId: gid('Shop', shopId), date: '2026-11-19', source: 'SEARCH', owner: '小李', expectedUpdatedAt: '2026-11-20T01:00:00.000Z' } },
    );
    expect(inChinese.data.writeDailyReportNote.userErrors).toEqual([
      { messageZh: '2026-11-19 搜索的备注从未保存过，因此不存在 2026-11-20 09:00:00（北京时间）的版本；你的修改未保存：请刷新后重新保存' },
    ]);
    expect(await backend().db.select().from(dailyReports).where(searchRow())).toEqual([]);
  });

  it('the noteUpdatedAt of a row stored for its rectification is the server clock, and sub-millisecond stamps are accepted back', async () => {
    // A closed, flagged day: reading it stores the row, stamped with the server's clock like every write.
    const opened = await search();
    expect(opened.noteUpdatedAt).toBe(clock.toISOString());
    expect((await write({ owner: '小李', expectedUpdatedAt: opened.noteUpdatedAt })).userErrors).toEqual([]);

    // Microseconds stored by hand are kept to the millisecond the column holds, so what is read compares equal.
    await backend().db.update(dailyReports).set({ updatedAt: sql`'2026-11-20 10:00:00.123456+08'::timestamptz` }).where(searchRow());
    const loaded = (await search()).noteUpdatedAt;
    expect(loaded).toBe('2026-11-20T02:00:00.123Z');
    expect((await write({ owner: '小张', expectedUpdatedAt: loaded })).row.owner).toBe('小张');
  });

  it('two saves from the same version at once: exactly one is written, the other is a CONFLICT', async () => {
    await write({ anomalyNote: '转化率下降' });
    const loaded = (await search()).noteUpdatedAt;
    clock = sh('2026-11-20T10:05:00');
    const results = await twoEditsAtOnce(
      backend(),
      (tx) => tx.select().from(dailyReports).where(searchRow()).for('update'),
      () => write({ owner: '小李', expectedUpdatedAt: loaded }),
      () => write({ owner: '小张', expectedUpdatedAt: loaded }),
    );
    const won = results.filter((r) => r.userErrors.length === 0);
    const refused = results.filter((r) => r.userErrors.length > 0);
    expect(won).toHaveLength(1);
    expect(refused.map((r) => r.userErrors[0].code)).toEqual(['CONFLICT']);
    expect((await search()).owner).toBe(won[0]!.row.owner);
  });

  it('two saves in the same millisecond still move the version on, so an editor who loaded the one before is refused', async () => {
    await write({ owner: '小李' });
    const loaded = (await search()).noteUpdatedAt;
    // The clock does not move (a coarse clock, or another instance's clock a little behind).
    const first = await write({ owner: '小张', expectedUpdatedAt: loaded });
    expect(first.userErrors).toEqual([]);
    expect(Date.parse(first.row.noteUpdatedAt)).toBe(Date.parse(loaded) + 1);
    expect((await write({ owner: '小王', expectedUpdatedAt: loaded })).userErrors[0].code).toBe('CONFLICT');
    expect((await search()).owner).toBe('小张');
  });

  it('a caller refused the shop gets its refusal even with a stale version, never a CONFLICT that would tell when the notes were written', async () => {
    await write({ owner: '小李' });
    const stale = '2026-11-20T01:00:00.000Z';
    const partner = await server.createKey({ name: 'partner', shopIds: [(await insertShop(backend().db, '乙店')).id], scopes: ['READ', 'MANAGE'] });
    expect((await write({ owner: 'x', expectedUpdatedAt: stale }, bearer(partner))).userErrors).toEqual([
      { code: 'NOT_FOUND', field: ['input', 'shopId'], message: 'Shop not found' },
    ]);
    const reader = await server.createKey({ name: 'reader', shopIds: [shopId], scopes: ['READ'] });
    const input = { shopId: gid('Shop', shopId), date: '2026-11-19', source: 'SEARCH', owner: 'x', expectedUpdatedAt: stale };
    const readOnly = await server.gql(WRITE, { input }, bearer(reader));
    expect(readOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(readOnly)).not.toContain('CONFLICT');
    expect((await search()).owner).toBe('小李');
  });
});
