import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop } from '../../../test/fixtures.js';
import { SYSTEM } from '../../auth/viewer.js';
import { rows } from '../../db/rows.js';
import { Hll, HLL_STANDARD_ERROR } from '../../lib/hll.js';
import type { EventInput } from '../ingest/ingest.parse.js';
import { ingestEvents } from '../ingest/ingest.service.js';
import { loadTotals, scopeConditions } from './metrics.service.js';

const NOW = new Date('2026-11-11T23:00:00+08:00');
const VISITORS = 3_000;

describeEachBackend('dense rollup sketches', (backend) => {
  it('stores the dense hour and day sketches compressed (lz4 where PostgreSQL has it) and counts from them', async () => {
    const { db, kind } = backend();
    // A fixed id: the sketch keys hold the shop's id, so a random one would move the estimate run by run,
    // and one run in a few hundred would fall outside the 3σ bound below.
    const shop = gid('Shop', (await insertShop(db, '天猫店', 'TMALL', '00000000-0000-4000-8000-000000001111')).id);
    const visits = Array.from({ length: VISITORS }, (_, i): EventInput => ({
      id: `visit-${i}`, type: 'VISIT', shopId: shop, source: 'SEARCH', visitorId: `v${i}`,
      occurredAt: new Date(Date.parse('2026-11-11T20:00:00+08:00') + (i % 60) * 60_000),
    }));
    // Two batches: the second unions its sketch into the stored dense one, as live ingestion does.
    for (const batch of [visits.slice(0, 1_500), visits.slice(1_500)]) expect((await ingestEvents(db, SYSTEM, batch, NOW, { announce: null })).accepted).toBe(batch.length);

    const stored = await rows<{ granularity: string; bytes: number; compression: string | null }>(
      db,
      sql`select granularity, length(visitors) as bytes, pg_column_compression(visitors) as compression
          from metric_rollups where granularity in ('HOUR', 'DAY') order by granularity`, // enum order: HOUR, DAY
    );
    // A dense sketch is 4,096 registers; PGlite has no lz4 and keeps the default, pglz.
    const method = kind === 'postgres' ? 'lz4' : 'pglz';
    expect(stored).toEqual([
      { granularity: 'HOUR', bytes: 4_096, compression: method },
      { granularity: 'DAY', bytes: 4_096, compression: method },
    ]);
    const totals = await loadTotals(db, scopeConditions(SYSTEM, {}), { from: new Date('2026-11-11T00:00:00+08:00'), to: new Date('2026-11-12T00:00:00+08:00') });
    expect(Math.abs(totals.all.visitors - VISITORS)).toBeLessThanOrEqual(3 * HLL_STANDARD_ERROR * VISITORS);
    expect(totals.all.visits).toBe(VISITORS);
  });

  it('merges a small batch into a stored dense sketch register by register: exactly the sketch of every visitor', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '京东店');
    const visit = (i: number, n: number): EventInput => ({
      id: `visit-${n}`, type: 'VISIT', shopId: gid('Shop', shop.id), source: 'SEARCH', visitorId: `v${i}`,
      occurredAt: new Date(Date.parse('2026-11-11T21:00:00+08:00') + (n % 60) * 60_000),
    });
    const dense = Array.from({ length: 2_000 }, (_, i) => visit(i, i));
    // Then 60 visits: 30 by new visitors, 30 by ones already counted (their registers must stay as they are).
    const small = Array.from({ length: 60 }, (_, k) => visit(k < 30 ? 5_000 + k : (k - 30) * 50, 2_000 + k));
    expect((await ingestEvents(db, SYSTEM, dense, NOW, { announce: null })).accepted).toBe(dense.length);
    expect((await ingestEvents(db, SYSTEM, small, NOW, { announce: null })).accepted).toBe(small.length);

    const everyone = new Hll();
    for (const e of [...dense, ...small]) everyone.add(`${shop.id}:${e.visitorId}`); // the service's visitor key
    const stored = await rows<{ granularity: string; visitors: Uint8Array }>(
      db,
      sql`select granularity, visitors from metric_rollups where shop_id = ${shop.id} and granularity in ('HOUR', 'DAY') order by granularity`,
    );
    expect(stored.map((r) => r.granularity)).toEqual(['HOUR', 'DAY']);
    for (const row of stored) expect(Buffer.from(row.visitors).equals(Buffer.from(everyone.registers))).toBe(true);
  });
});
