import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Channel, TrafficSource } from '../../db/enums.js';
import { Hll } from '../../lib/hll.js';
import { COUNTER_NAMES, zeroCounters, type Counters } from './metrics.formulas.js';
import { GRANULARITIES, metricRollups, skuRollups, type Granularity } from './metrics.table.js';
import { floorTo } from './metrics.window.js';

// Test set-up for the read side: rollup rows written directly, as ingestion would leave them, so
// the metrics tests do not depend on the ingest path.

export interface RollupActivity {
  at: Date;
  shopId: string;
  channel?: Channel;
  source?: TrafficSource;
  campaignId?: string | null;
  counters?: Partial<Counters>;
  visitors?: string[];
  carters?: string[];
  buyers?: string[];
}

export interface SkuActivity {
  at: Date;
  shopId: string;
  skuId: string;
  channel?: Channel;
  source?: TrafficSource;
  campaignId?: string | null;
  gmvFen: number;
  unitsSold: number;
  ordersPaid: number;
}

const t = metricRollups;
const SKETCHES = ['visitors', 'carters', 'buyers'] as const;
/** The proposed value of a column in ON CONFLICT DO UPDATE (columns are snake_case in the database). */
const excluded = (name: string) => sql.raw(`excluded.${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`);
const sketch = (items: string[] | undefined) => (items?.length ? items.reduce((h, item) => h.add(item), new Hll()).toBytes() : null);

/**
 * Writes each activity into its MINUTE, HOUR and DAY rows (bucket = the instant floored, days in
 * Asia/Shanghai). Activities sharing a row are summed and their sketch items merged, within a call
 * and across calls, as the ingest upsert would.
 */
export async function insertRollups(db: Db, activities: RollupActivity[]) {
  const rows = new Map<string, PendingRow>();
  for (const activity of activities) {
    const dims = {
      shopId: activity.shopId,
      channel: activity.channel ?? 'TMALL',
      source: activity.source ?? 'SEARCH',
      campaignId: activity.campaignId ?? null,
    };
    for (const granularity of GRANULARITIES) {
      const bucket = floorTo(granularity, activity.at);
      const id = JSON.stringify([granularity, bucket, dims]);
      let row = rows.get(id);
      if (!row) rows.set(id, (row = { granularity, bucket, ...dims, counters: zeroCounters(), visitors: [], carters: [], buyers: [] }));
      for (const [name, value] of Object.entries(activity.counters ?? {})) row.counters[name as keyof Counters] += value;
      row.visitors.push(...(activity.visitors ?? []));
      row.carters.push(...(activity.carters ?? []));
      row.buyers.push(...(activity.buyers ?? []));
    }
  }
  if (rows.size === 0) return;
  await db.insert(t).values(
    [...rows.values()].map(({ counters, visitors, carters, buyers, ...key }) => ({
      ...key,
      ...counters,
      visitors: sketch(visitors),
      carters: sketch(carters),
      buyers: sketch(buyers),
    })),
  ).onConflictDoUpdate({
    target: [t.granularity, t.bucket, t.shopId, t.channel, t.source, t.campaignId],
    set: {
      ...Object.fromEntries(COUNTER_NAMES.map((name) => [name, sql`${t[name]} + ${excluded(name)}`])),
      ...Object.fromEntries(SKETCHES.map((name) => [name, sql`peakops_hll_union(${t[name]}, ${excluded(name)})`])),
    },
  });
}

interface PendingRow {
  granularity: Granularity;
  bucket: Date;
  shopId: string;
  channel: Channel;
  source: TrafficSource;
  campaignId: string | null;
  counters: Counters;
  visitors: string[];
  carters: string[];
  buyers: string[];
}

/** Writes one SKU's sales into its MINUTE, HOUR and DAY sku_rollups rows. */
export async function insertSkuRollups(db: Db, activities: SkuActivity[]) {
  await db.insert(skuRollups).values(
    activities.flatMap((a) =>
      GRANULARITIES.map((granularity) => ({
        granularity,
        bucket: floorTo(granularity, a.at),
        shopId: a.shopId,
        channel: a.channel ?? 'TMALL',
        source: a.source ?? 'SEARCH',
        campaignId: a.campaignId ?? null,
        skuId: a.skuId,
        gmvFen: a.gmvFen,
        unitsSold: a.unitsSold,
        ordersPaid: a.ordersPaid,
      })),
    ),
  );
}
