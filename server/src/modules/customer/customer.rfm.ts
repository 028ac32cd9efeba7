import { sql, type SQL } from 'drizzle-orm';
import { customers } from './customer.table.js';
import { DAY_MS, shanghaiMonthsBefore } from '../../lib/time.js';

/**
 * RFM segments (DOMAIN.md), computed at read time from lastOrderAt, paidOrders, net spend and the clock,
 * so a customer drifts to SLEEPING as time passes without any write. docs/CUSTOMERS.md has the table.
 * - SLEEPING: no paid order for SLEEPING_AFTER_MONTHS calendar months (or none ever): DOMAIN.md's "no purchase
 *   for 3 months", counted on the Asia/Shanghai calendar (89 to 92 days, by the months in between).
 * - IMPORTANT_VALUE: recent (last paid order within RECENT_WITHIN_DAYS), frequent (≥ FREQUENT_ORDERS paid
 *   orders) and high spend (net of refunds ≥ HIGH_SPEND_FEN).
 * - IMPORTANT_DEVELOPMENT: high spend but not both recent and frequent: worth winning back.
 * - GENERAL_VALUE: everyone else with a purchase in the last three months: frequent with low spend, and
 *   also customers who are neither frequent nor high spend.
 */
export const RFM_SEGMENTS = ['IMPORTANT_VALUE', 'IMPORTANT_DEVELOPMENT', 'GENERAL_VALUE', 'SLEEPING'] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export const SLEEPING_AFTER_MONTHS = 3;
export const RECENT_WITHIN_DAYS = 30;
export const FREQUENT_ORDERS = 3;
export const HIGH_SPEND_FEN = 100_000;


export interface RfmFacts {
  lastOrderAt: Date | null;
  paidOrders: number;
  spendFen: number;
  refundedFen: number;
}

/** The cut-off instants for a clock reading; both paths compare against these same values. */
function cutoffs(now: Date) {
  return { sleeping: shanghaiMonthsBefore(now, SLEEPING_AFTER_MONTHS), recent: new Date(now.getTime() - RECENT_WITHIN_DAYS * DAY_MS) };
}

export function rfmSegment(c: RfmFacts, now: Date): RfmSegment {
  const { sleeping, recent } = cutoffs(now);
  if (!c.lastOrderAt || c.lastOrderAt <= sleeping) return 'SLEEPING';
  const high = c.spendFen - c.refundedFen >= HIGH_SPEND_FEN;
  if (high && c.paidOrders >= FREQUENT_ORDERS && c.lastOrderAt >= recent) return 'IMPORTANT_VALUE';
  if (high) return 'IMPORTANT_DEVELOPMENT';
  return 'GENERAL_VALUE';
}

/** The same classification as a SQL expression over the customers table, for filters and summaries. */
export function rfmSegmentSql(now: Date): SQL<RfmSegment> {
  const { sleeping, recent } = cutoffs(now);
  const high = sql`${customers.spendFen} - ${customers.refundedFen} >= ${HIGH_SPEND_FEN}`;
  return sql<RfmSegment>`(case
    when ${customers.lastOrderAt} is null or ${customers.lastOrderAt} <= ${sleeping.toISOString()}::timestamptz then 'SLEEPING'
    when ${high} and ${customers.paidOrders} >= ${FREQUENT_ORDERS} and ${customers.lastOrderAt} >= ${recent.toISOString()}::timestamptz then 'IMPORTANT_VALUE'
    when ${high} then 'IMPORTANT_DEVELOPMENT'
    else 'GENERAL_VALUE' end)`;
}
