import { sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { SYSTEM, type Viewer } from '../../auth/viewer.js';
import { describeEachBackend } from '../../../test/backends.js';
import { insertShop, partnerViewer } from '../../../test/fixtures.js';
import { loadTotals, scopeConditions } from './metrics.service.js';
import { metricRollups } from './metrics.table.js';
import { insertRollups } from './metrics.test-fixtures.js';
import { totalsCacheOf } from './totals.cache.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const DAY_11 = { from: sh('2026-11-11T00:00:00'), to: sh('2026-11-12T00:00:00') };

// Totals asked again are served from the row versions already read (totals.cache.ts): these tests
// hold that a held answer is only ever the answer the rows as they stand would give.
describeEachBackend('totals of a window asked again', (backend) => {
  let tmall: { id: string };
  let jd: { id: string };
  const totals = (viewer: Viewer = SYSTEM, options = {}) => loadTotals(backend().db, scopeConditions(viewer, {}), DAY_11, options);

  beforeEach(async () => {
    const { db } = backend();
    tmall = await insertShop(db, '天猫旗舰店');
    jd = await insertShop(db, '京东自营', 'JD');
    await insertRollups(db, [
      { at: sh('2026-11-11T09:05:00'), shopId: tmall.id, counters: { ordersPaid: 2, gmvFen: 30_000, visits: 5 }, visitors: ['v1', 'v2'], buyers: ['c1', 'c2'] },
      { at: sh('2026-11-11T10:30:00'), shopId: tmall.id, source: 'PAID', counters: { ordersPaid: 1, gmvFen: 12_345, visits: 2 }, visitors: ['v2'], buyers: ['c2'] },
      { at: sh('2026-11-11T11:00:00'), shopId: jd.id, channel: 'JD', counters: { ordersPaid: 1, gmvFen: 50_000, visits: 1 }, visitors: ['v9'], buyers: ['c9'] },
    ]);
  });

  it('charges a held window without rows for what it holds, so moving empty windows reach the bound', async () => {
    const cache = totalsCacheOf(backend().db);
    const before = cache.heldBytes;
    await loadTotals(backend().db, scopeConditions(SYSTEM, {}), { from: sh('2026-11-20T00:00:00'), to: sh('2026-11-20T00:01:00') });
    expect(cache.heldBytes).toBeGreaterThan(before); // counted as sketch bytes alone, it held 0
  });

  it('gives the held answer while the rows stand still, and a new one when a late event updates a closed day', async () => {
    const first = await totals();
    expect(first.all).toMatchObject({ gmvFen: 92_345, ordersPaid: 4, buyers: 3, visitors: 3 });
    expect(await totals()).toBe(first);

    // A late payment by a buyer already counted, and one by a new buyer, land in the closed day's rows.
    await insertRollups(backend().db, [
      { at: sh('2026-11-11T09:40:00'), shopId: tmall.id, counters: { ordersPaid: 1, gmvFen: 1_000 }, buyers: ['c1'] },
      { at: sh('2026-11-11T23:59:00'), shopId: jd.id, channel: 'JD', counters: { ordersPaid: 1, gmvFen: 2_000 }, buyers: ['c7'] },
    ]);
    const after = await totals();
    expect(after).not.toBe(first);
    expect(after.all).toMatchObject({ gmvFen: 95_345, ordersPaid: 6, buyers: 4, visitors: 3 });
    expect(after.byChannel.map((c) => [c.channel, c.gmvFen, c.buyers])).toEqual([
      ['JD', 52_000, 2],
      ['TMALL', 43_345, 2],
    ]);
    expect(await totals()).toBe(after);
  });

  it('drops a row that is gone, and counts a row that is new, in a window asked before', async () => {
    await totals();
    await backend().db.delete(metricRollups).where(sql`${metricRollups.shopId} = ${jd.id}`);
    expect((await totals()).all).toMatchObject({ gmvFen: 42_345, ordersPaid: 3, buyers: 2 });
    await insertRollups(backend().db, [{ at: sh('2026-11-11T20:00:00'), shopId: jd.id, channel: 'JD', source: 'PAID', counters: { ordersPaid: 1, gmvFen: 7 }, buyers: ['c5'] }]);
    expect((await totals()).all).toMatchObject({ gmvFen: 42_352, ordersPaid: 4, buyers: 3 });
  });

  it("never answers a partner from an admin's rows, nor an admin from a partner's", async () => {
    const admin = await totals();
    const partner = await totals(partnerViewer([tmall.id]));
    expect(partner.all).toMatchObject({ gmvFen: 42_345, ordersPaid: 3, buyers: 2 });
    expect(partner.byChannel.map((c) => c.channel)).toEqual(['TMALL']);
    expect(await totals()).toBe(admin);
    expect((await totals(partnerViewer([]))).all).toMatchObject({ gmvFen: 0, ordersPaid: 0, buyers: 0 });
    // Two partners of the same kind share one statement (rollup.statements.ts), never their figures.
    expect((await totals(partnerViewer([jd.id]))).all).toMatchObject({ gmvFen: 50_000, ordersPaid: 1, buyers: 1 });
    expect((await totals(partnerViewer([tmall.id]))).all).toMatchObject({ gmvFen: 42_345, ordersPaid: 3, buyers: 2 });
  });

  it('filters by channel, source and campaign with the values of each call', async () => {
    const scoped = (scope: object) => loadTotals(backend().db, scopeConditions(SYSTEM, scope), DAY_11);
    expect((await scoped({ channels: ['JD'] })).all.gmvFen).toBe(50_000);
    expect((await scoped({ channels: ['TMALL'] })).all.gmvFen).toBe(42_345);
    expect((await scoped({ sources: ['PAID'] })).all.gmvFen).toBe(12_345);
    expect((await scoped({ shopIds: [jd.id], sources: ['SEARCH'] })).all.gmvFen).toBe(50_000);
    expect((await scoped({ shopIds: [jd.id], sources: ['PAID'] })).all.gmvFen).toBe(0);
  });

  it('keeps the overall-only answer (no carters, no distinct counts by channel) apart from the full one', async () => {
    const overall = await totals(SYSTEM, { overallDistinctOnly: true });
    const full = await totals();
    expect(overall.byChannel.every((c) => c.buyers === 0)).toBe(true);
    expect(full.byChannel.find((c) => c.channel === 'JD')?.buyers).toBe(1);
    expect(await totals(SYSTEM, { overallDistinctOnly: true })).toBe(overall);
  });

  it('refuses to let one caller change the answer another will be given', async () => {
    const first = await totals();
    expect(() => Object.assign(first.all, { gmvFen: 0 })).toThrow(TypeError);
    expect(() => (first.byChannel as unknown[]).push({})).toThrow(TypeError);
    expect((await totals()).all.gmvFen).toBe(92_345);
  });

  it('reads again without the held rows when a held version comes back with other contents', async () => {
    const { db } = backend();
    const first = await totals();
    // What a database gone back in time could show: the same versions with other counters. It cannot
    // be made with SQL, so the held rows are altered instead.
    const held = [...(totalsCacheOf(db) as unknown as { entries: Map<string, { rows: Map<string, { gmvFen: number }> }> }).entries.values()];
    for (const entry of held) for (const row of entry.rows.values()) row.gmvFen += 1;
    const again = await totals();
    expect(again).not.toBe(first);
    expect(again.all).toMatchObject({ gmvFen: 92_345, ordersPaid: 4, buyers: 3, visitors: 3 });
  });
});
