import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { availableBackends, describeEachBackend, openTestBackend } from '../../test/backends.js';
import { startTestServer, type TestServer } from '../../test/http.js';
import { insertOrder, insertShop, partnerViewer } from '../../test/fixtures.js';
import { SYSTEM, type Viewer } from '../auth/viewer.js';
import { listOrders } from '../modules/order/order.service.js';
import type { DbOrTx } from './client.js';
import { genericPlanDb, pairGenericPlanDb } from './generic-plans.js';
import { rows } from './rows.js';
import * as tables from './tables.js';


/** The session's plan cache mode and whether JIT may compile its plans, e.g. `auto jit:on`. */
async function planCacheMode(db: DbOrTx): Promise<string> {
  const [found] = await rows<{ mode: string }>(db, sql`select current_setting('plan_cache_mode') || ' jit:' || current_setting('jit') as mode`);
  return found!.mode;
}

async function firstPageIds(db: DbOrTx, viewer: Viewer, first = 20): Promise<string[]> {
  const page = await listOrders(db, viewer, {}, { first });
  return page.edges.map((edge) => edge.node.externalId);
}

describeEachBackend('hot prepared statements on generic plans', (backend) => {
  it('run on a pool of their own whose sessions force the generic plan, while every other statement keeps custom plans', async () => {
    const { db, kind } = backend();
    expect(await planCacheMode(db)).toMatch(/^auto /);
    if (kind === 'pglite') {
      // One session in this process: nothing to pair, the statements run where everything else does.
      expect(genericPlanDb(db)).toBe(db);
      return;
    }
    expect(genericPlanDb(db)).not.toBe(db);
    // Without JIT: a generic plan is costed for a tenth of the table, and past jit_above_cost JIT
    // would compile the cached plan again at each execution.
    expect(await planCacheMode(genericPlanDb(db))).toBe('force_generic_plan jit:off');
  });

  it('never leave a transaction: inside one, the statements see its uncommitted rows on its own connection', async () => {
    const { db } = backend();
    const tmall = await insertShop(db, '天猫店');
    await db.transaction(async (tx) => {
      expect(genericPlanDb(tx)).toBe(tx);
      await insertOrder(tx as never, { shopId: tmall.id, externalId: 'IN-TX', placedAt: new Date('2026-11-11T00:00:00+08:00') });
      expect(await firstPageIds(tx, SYSTEM)).toEqual(['IN-TX']);
    });
  });

  it('answer the first page right for every viewer, as rows are added between executions of the same plan', async () => {
    const { db, kind } = backend();
    const tmall = await insertShop(db, '天猫店');
    const jd = await insertShop(db, '京东店', 'JD');
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 10, 16, minute));
    const partner = partnerViewer([tmall.id]);
    const none = partnerViewer([]);
    const expected: { all: string[]; tmall: string[] } = { all: [], tmall: [] };
    // Twelve rounds: more than the five custom plans PostgreSQL tries before it would consider a generic one.
    for (let round = 0; round < 12; round++) {
      const shop = round % 3 === 0 ? jd : tmall;
      const externalId = `${shop === jd ? 'J' : 'T'}-${round}`;
      await insertOrder(db, { shopId: shop.id, externalId, placedAt: at(round) });
      expected.all.unshift(externalId);
      if (shop === tmall) expected.tmall.unshift(externalId);
      expect(await firstPageIds(db, SYSTEM)).toEqual(expected.all);
      expect(await firstPageIds(db, partner)).toEqual(expected.tmall);
      expect(await firstPageIds(db, partner, 2)).toEqual(expected.tmall.slice(0, 2));
      expect(await firstPageIds(db, none)).toEqual([]);
    }
    if (kind === 'pglite') return;
    // Every connection of the pool that prepared a first-page statement planned it generically only.
    const seen: { name: string; generic_plans: number; custom_plans: number }[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      seen.push(
        ...(await rows<(typeof seen)[number]>(
          genericPlanDb(db),
          // postgres.js names the statements itself: found by their text (newest first, with a page size).
          sql`select name, generic_plans::int, custom_plans::int from pg_prepared_statements
              where statement like '%"placed_at" desc%' and statement like '%limit $%'`,
        )),
      );
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s.custom_plans === 0 && s.generic_plans > 0)).toBe(true);
  });
});

describe('readiness with the generic-plan pool', () => {
  it.runIf(availableBackends().includes('postgres'))('is not ready while the pool that serves orders pages cannot connect, though the main pool can', async () => {
    const backend = await openTestBackend('postgres');
    // What a primary out of connections does to the pool's lazily opened sessions: refused.
    const refused = postgres('postgres://peakops@127.0.0.1:1/none', { max: 1, connect_timeout: 2, onnotice: () => {} });
    let server: TestServer | undefined;
    try {
      server = await startTestServer(backend);
      const ready = async () => (await fetch(`${server!.url}/ready`)).status;
      expect(await ready()).toBe(200);
      pairGenericPlanDb(backend.db, drizzle({ client: refused, schema: tables, casing: 'snake_case' }));
      expect(await ready()).toBe(503);
    } finally {
      await server?.stop();
      await refused.end({ timeout: 1 });
      await backend.dispose();
    }
  }, 60_000);
});
