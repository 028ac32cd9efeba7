import { inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import type { Channel, TrafficSource } from '../../db/enums.js';
import { rows } from '../../db/rows.js';
import { paidInWindow } from '../customer/buyer-mix.js';
import { orders } from '../order/order.table.js';
import type { ScopeConditions } from './metrics.service.js';
import type { Totals, TotalsOptions } from './metrics.totals.js';
import type { Window } from './metrics.window.js';
import { frozenTotals } from './totals.cache.js';

/**
 * Buyers are counted exactly (DOMAIN.md: distinct customers with a paid order) whenever the window has
 * at most this many paid orders: one indexed read of those orders (orders_shop_paid_idx) costs a few
 * milliseconds. Past it the rollups' HyperLogLog estimate stands (standard error 1.6 %): reading a
 * Double 11 day's millions of orders on every request is what the sketches exist to avoid. Below it the
 * estimate erred where it shows most: 4 buyers read 3 when two customers' keys shared one of the 4,096
 * registers (about once in 700 such windows), and 客单价 and 转化率 with it.
 */
export const EXACT_BUYERS_MAX_ORDERS = 10_000;

interface ExactBuyers {
  /** Paid orders the count was taken over (the same window and scope as the rollups'). */
  orders: number;
  all: number;
  byChannel: Map<Channel, number>;
  bySource: Map<TrafficSource, number>;
}

interface Remembered {
  /** The rollups' paid orders when the count was taken. */
  paid: number;
  /** The end of the window counted (epoch ms). */
  to: number;
  exact: ExactBuyers;
  /** The rollup totals it was applied to, and the answer: the same totals object gets the same answer. */
  base?: Totals;
  answer?: Totals;
}

/**
 * The last exact count per scope and window start. A live window's end only grows (today so far, a
 * campaign so far). Orders are never deleted, so a window from the same start ending no earlier than the
 * one counted holds every order counted then; with as many paid orders it holds exactly those, and the
 * count is reused instead of reading the orders again: a live topic reads them only in ticks that paid an
 * order. A window ending EARLIER may hold as many orders and not the same ones (an order paid inside it
 * arrived late, one counted before lies past its end): it is counted again. A count that did not match
 * the rollups is not taken again until their paid orders change either.
 */
const remembered = new WeakMap<DbOrTx, Map<string, Remembered>>();
const REMEMBERED_PER_DB = 2_000;

/** Orders are never deleted, so the counts stay true; a test that empties the tables forgets them. */
export function forgetExactBuyers(db: DbOrTx): void {
  remembered.delete(db);
  rememberedByShop.delete(db);
}

function memoOf(db: DbOrTx): Map<string, Remembered> {
  let memo = remembered.get(db);
  if (!memo) remembered.set(db, (memo = new Map()));
  return memo;
}

async function countExactly(db: DbOrTx, scope: ScopeConditions, window: Window): Promise<ExactBuyers> {
  // One statement: the overall count and each channel's and source's (a buyer through two sources counts in both, and once overall).
  const found = await rows<{ channel: Channel | null; source: TrafficSource | null; level: number | string; buyers: number | string; orders: number | string }>(
    db,
    sql`select ${orders.channel} as channel, ${orders.source} as source,
          grouping(${orders.channel}, ${orders.source}) as level,
          count(distinct ${orders.customerId}) as buyers, count(*) as orders
        from ${orders} where ${paidInWindow(scope, window)}
        group by grouping sets ((), (${orders.channel}), (${orders.source}))`,
  );
  const exact: ExactBuyers = { orders: 0, all: 0, byChannel: new Map(), bySource: new Map() };
  for (const row of found) {
    const level = Number(row.level);
    // grouping(channel, source): 3 = neither grouped (overall), 1 = by channel, 2 = by source.
    if (level === 3) {
      exact.all = Number(row.buyers);
      exact.orders = Number(row.orders);
    } else if (level === 1 && row.channel) exact.byChannel.set(row.channel, Number(row.buyers));
    else if (level === 2 && row.source) exact.bySource.set(row.source, Number(row.buyers));
  }
  return exact;
}

/**
 * The totals with buyers counted exactly when the window has few enough paid orders; the totals as
 * they are otherwise. Buyers without a customer id cannot exist (ingestion requires one on payment).
 */
export async function withExactBuyers(db: DbOrTx, scope: ScopeConditions, window: Window, totals: Totals, options: TotalsOptions): Promise<Totals> {
  const paid = totals.all.ordersPaid;
  if (paid === 0 || paid > EXACT_BUYERS_MAX_ORDERS) return totals;
  const memo = memoOf(db);
  const key = `${options.overallDistinctOnly ? 'overall' : 'all'}:${window.from.toISOString()}:${scope.key}`;
  let entry = memo.get(key);
  if (entry?.paid !== paid || window.to.getTime() < entry.to) {
    entry = { paid, to: window.to.getTime(), exact: await countExactly(db, scope, window) };
    memo.delete(key);
    if (memo.size >= REMEMBERED_PER_DB) memo.delete(memo.keys().next().value!);
    memo.set(key, entry);
  }
  const { exact } = entry;
  // Only when the orders read are the rollups' paid orders: a batch committed between the two reads (or
  // rollups with no orders behind them, as tests write) leaves the estimate for this read.
  if (exact.orders !== paid) return totals;
  if (entry.base === totals && entry.answer) return entry.answer;
  const answer = frozenTotals({
    all: { ...totals.all, buyers: exact.all },
    byChannel: totals.byChannel.map((row) => (options.overallDistinctOnly ? row : { ...row, buyers: exact.byChannel.get(row.channel) ?? 0 })),
    bySource: totals.bySource.map((row) => (options.overallDistinctOnly ? row : { ...row, buyers: exact.bySource.get(row.source) ?? 0 })),
  });
  Object.assign(entry, { base: totals, answer });
  return answer;
}

/**
 * One statement's budget of orders for `exactBuyersByShop`: the shops with the fewest paid orders are
 * counted first, where one buyer more or less moves conversion most; the rest keep the estimate.
 */
export const EXACT_BUYERS_BY_SHOP_BUDGET = 100_000;

interface ShopCount {
  paid: number;
  orders: number;
  buyers: number;
}

/** Per window (`from|to`), each shop's last count; a few windows at most (the alert engine reads two a minute). */
const rememberedByShop = new WeakMap<DbOrTx, Map<string, Map<string, ShopCount>>>();
const WINDOWS_PER_DB = 8;

/**
 * Each shop's buyers in a window, counted from its paid orders, for the shops whose rollups hold at most
 * EXACT_BUYERS_MAX_ORDERS paid orders there (`paidByShop`, the rollups' figure), in one statement for
 * all of them. A shop is left out (its estimate stands) when its orders read do not match that figure,
 * or past the statement's budget. A count is remembered per window and shop by the paid orders it was
 * taken at, so an evaluation that finds the same figure reads nothing again.
 */
export async function exactBuyersByShop(
  db: DbOrTx,
  window: Window,
  paidByShop: ReadonlyMap<string, number>,
  budget = EXACT_BUYERS_BY_SHOP_BUDGET,
): Promise<Map<string, number>> {
  let windows = rememberedByShop.get(db);
  if (!windows) rememberedByShop.set(db, (windows = new Map()));
  const key = `${window.from.toISOString()}|${window.to.toISOString()}`;
  let counts = windows.get(key);
  if (!counts) {
    if (windows.size >= WINDOWS_PER_DB) windows.delete(windows.keys().next().value!);
    windows.set(key, (counts = new Map()));
  }
  const stale: string[] = [];
  for (const [shopId, paid] of [...paidByShop].sort((a, b) => a[1] - b[1])) {
    if (paid === 0) continue;
    if (paid > EXACT_BUYERS_MAX_ORDERS || paid > budget) break;
    budget -= paid;
    if (counts.get(shopId)?.paid !== paid) stale.push(shopId);
  }
  if (stale.length > 0) {
    const found = await rows<{ shop_id: string; buyers: number | string; orders: number | string }>(
      db,
      sql`select ${orders.shopId} as shop_id, count(distinct ${orders.customerId}) as buyers, count(*) as orders
          from ${orders}
          where ${paidInWindow({ orders: inArray(orders.shopId, stale) }, window)}
          group by ${orders.shopId}`,
    );
    const byShop = new Map(found.map((row) => [row.shop_id, row]));
    for (const shopId of stale) {
      const row = byShop.get(shopId);
      counts.set(shopId, { paid: paidByShop.get(shopId)!, orders: Number(row?.orders ?? 0), buyers: Number(row?.buyers ?? 0) });
    }
  }
  const exact = new Map<string, number>();
  for (const [shopId, paid] of paidByShop) {
    const count = counts.get(shopId);
    if (count && count.paid === paid && count.orders === paid) exact.set(shopId, count.buyers);
  }
  return exact;
}
