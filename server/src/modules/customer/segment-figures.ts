import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { rows } from '../../db/rows.js';
import type { ScopeConditions } from '../metrics/metrics.service.js';
import type { Window } from '../metrics/metrics.window.js';
import { orders } from '../order/order.table.js';
import { paidInWindow } from './buyer-mix.js';
import { RFM_SEGMENTS, rfmSegmentSql, type RfmSegment } from './customer.rfm.js';
import { customers } from './customer.table.js';

export interface SegmentFigures {
  segment: RfmSegment;
  gmvFen: number;
  orders: number;
  buyers: number;
  /** This segment's GMV / the GMV of all four, in [0, 1]; 0 without GMV. */
  share: number;
}

/**
 * The window's paid orders by their customer's RFM segment as of `now` (not at the time of the order):
 * one statement joining the paid orders to customers and classifying with the SQL rule of
 * customers(filter: { segment }). All four segments, zeros included, in RFM_SEGMENTS order.
 */
export async function loadSegmentFigures(db: DbOrTx, scope: ScopeConditions, window: Window, now: Date): Promise<SegmentFigures[]> {
  const found = await rows<{ segment: RfmSegment; gmv: string | number; orders: string | number; buyers: string | number }>(
    db,
    sql`select ${rfmSegmentSql(now)} as segment, coalesce(sum(${orders.amountFen}), 0) as gmv, count(*) as orders,
          count(distinct ${orders.customerId}) as buyers
        from ${orders} join ${customers} on ${customers.id} = ${orders.customerId}
        where ${paidInWindow(scope, window)}
        group by 1`,
  );
  const total = found.reduce((sum, r) => sum + Number(r.gmv), 0);
  return RFM_SEGMENTS.map((segment) => {
    const r = found.find((f) => f.segment === segment);
    const gmvFen = Number(r?.gmv ?? 0);
    return { segment, gmvFen, orders: Number(r?.orders ?? 0), buyers: Number(r?.buyers ?? 0), share: total === 0 ? 0 : gmvFen / total };
  });
}
