import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import type { TrafficSource } from '../db/enums.js';
import { rows } from '../db/rows.js';
import { Hll } from '../lib/hll.js';

/** One shop, Asia/Shanghai day and traffic source, as ingestion recorded it. */
export interface DayFacts {
  shopId: string;
  date: string;
  source: TrafficSource;
  /** Distinct visitors, merged from the day rollups' sketches: the figure the metrics API shows. */
  visitors: number;
  /** Orders paid that day. */
  orders: number;
  /** Distinct customers among them. */
  buyers: number;
  gmvFen: number;
  /** Of the orders paid that day, those refunded since (cohort), so a day's refund rate stays in [0, 1]. */
  refundedOrders: number;
}

export const factKey = (shopId: string, date: string, source: TrafficSource) => `${shopId}|${date}|${source}`;

/**
 * Reads back what the ingested history produced, so daily reports, marketing spend and alerts
 * quote the very figures a user finds in orders and metrics.
 */
export async function readDayFacts(db: DbOrTx, from: Date, to: Date): Promise<Map<string, DayFacts>> {
  const facts = new Map<string, DayFacts>();
  const get = (shopId: string, date: string, source: TrafficSource) => {
    const key = factKey(shopId, date, source);
    let f = facts.get(key);
    if (!f) facts.set(key, (f = { shopId, date, source, visitors: 0, orders: 0, buyers: 0, gmvFen: 0, refundedOrders: 0 }));
    return f;
  };

  const paid = await rows<{ shop_id: string; date: string; source: TrafficSource; orders: number; buyers: number; gmv: string | number; refunded: number }>(
    db,
    sql`select shop_id, ((paid_at at time zone 'Asia/Shanghai')::date)::text as date, source,
          count(*)::int as orders, count(distinct customer_id)::int as buyers, sum(amount_fen) as gmv,
          (count(*) filter (where refunded_fen > 0))::int as refunded
        from orders where paid_at >= ${from.toISOString()}::timestamptz and paid_at < ${to.toISOString()}::timestamptz
        group by 1, 2, 3`,
  );
  for (const r of paid) {
    const f = get(r.shop_id, r.date, r.source);
    f.orders = r.orders;
    f.buyers = r.buyers;
    f.gmvFen = Number(r.gmv);
    f.refundedOrders = r.refunded;
  }

  // A day row exists per campaign attribution too, so sketches are merged, never their estimates summed.
  const sketches = new Map<string, Hll>();
  const days = await rows<{ shop_id: string; date: string; source: TrafficSource; visitors: Uint8Array | null }>(
    db,
    sql`select shop_id, ((bucket at time zone 'Asia/Shanghai')::date)::text as date, source, visitors from metric_rollups
        where granularity = 'DAY' and bucket >= ${from.toISOString()}::timestamptz and bucket < ${to.toISOString()}::timestamptz`,
  );
  for (const r of days) {
    const key = factKey(r.shop_id, r.date, r.source);
    let sketch = sketches.get(key);
    if (!sketch) sketches.set(key, (sketch = new Hll()));
    sketch.merge(r.visitors);
  }
  for (const [key, sketch] of sketches) {
    const [shopId, date, source] = key.split('|') as [string, string, TrafficSource];
    get(shopId, date, source).visitors = sketch.estimate();
  }
  return facts;
}

/** GMV of the orders attributed to a campaign and paid before `until`. */
export async function campaignGmvFen(db: DbOrTx, campaignId: string, until: Date): Promise<number> {
  const [row] = await rows<{ gmv: string | number }>(
    db,
    sql`select coalesce(sum(amount_fen), 0) as gmv from orders
        where campaign_id = ${campaignId} and paid_at < ${until.toISOString()}::timestamptz`,
  );
  return Number(row?.gmv ?? 0);
}

/** A shop's paid and refunded orders per hour, from the HOUR rollups the refund rule sums (rule-inputs.ts). */
export interface HourCounts {
  at: number;
  ordersPaid: number;
  refundedOrders: number;
}

/** The hours of [from, to) with paid or refunded orders in one shop, oldest first. */
export async function hourlyOrderCounts(db: DbOrTx, shopId: string, from: Date, to: Date): Promise<HourCounts[]> {
  const found = await rows<{ bucket: string | Date; paid: number; refunded: number }>(
    db,
    sql`select bucket, sum(orders_paid)::int as paid, sum(refunded_orders)::int as refunded from metric_rollups
        where granularity = 'HOUR' and shop_id = ${shopId}
          and bucket >= ${from.toISOString()}::timestamptz and bucket < ${to.toISOString()}::timestamptz
        group by bucket order by bucket`,
  );
  return found.map((r) => ({ at: new Date(r.bucket).getTime(), ordersPaid: r.paid, refundedOrders: r.refunded }));
}
