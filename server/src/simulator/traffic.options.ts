import { yuanToFen } from '../lib/money.js';
import type { EventInput } from '../modules/ingest/ingest.parse.js';
import type { SimShop, TrafficCatalog, TrafficIncident } from './traffic.catalog.js';

/** Step-to-step rates of the funnel (DOMAIN.md: visit → view → 加购 → 下单 → 支付), and what follows payment. */
export interface FunnelRates {
  /** Visitors who view at least one product. */
  view: number;
  /** Viewers who add to cart (加购). */
  cart: number;
  /** Visitors with a cart who place the order, before the source's own conversion factor. */
  place: number;
  /** Placed orders that are paid. */
  pay: number;
  /** Paid orders refunded later (DOMAIN.md: a 3.2 % refund rate on search). */
  refund: number;
  /** Refunds that give back only part of the order. */
  partialRefund: number;
  /**
   * Paid orders the warehouse ships (then delivers) unless the buyer cancelled first; the rest are
   * forgotten — a handful of paid, unshipped orders for the UNSHIPPED_OVERDUE rule to find.
   */
  ship: number;
}

/** 0.6 × 0.14 × 0.38 × 0.9 ≈ 2.9 % of visitors pay: inside the manuals' 2–4 % (search: 2.1 %, target ≥ 3 %). */
export const DEFAULT_FUNNEL: FunnelRates = { view: 0.6, cart: 0.14, place: 0.38, pay: 0.9, refund: 0.032, partialRefund: 0.25, ship: 0.995 };

export interface GeneratorOptions {
  catalog: TrafficCatalog;
  seed: number;
  /** Prefix of every event, visitor and minted customer id; two runs that share a database need different tags. */
  tag?: string;
  /** The producer's order id; defaults to `<prefix><yyyymmdd>-<tag>-<n>`. */
  orderId?: (shop: SimShop, at: Date, n: number) => string;
  funnel?: Partial<FunnelRates>;
  /** Share of events delivered twice (at-least-once producers). */
  duplicateRate?: number;
  /** Share of slices handed out in random order. */
  shuffleRate?: number;
  /** Share of paid orders whose ORDER_PLACED arrives after their ORDER_PAID. */
  latePlacementRate?: number;
  incidents?: readonly TrafficIncident[];
}

/**
 * Paid orders and GMV sent, each payment counted once however often it is delivered. Repeats come
 * within seconds, so only the last ~10,000 payments are remembered, in two rotating generations.
 */
export class PaidTally {
  ordersPaid = 0;
  gmvFen = 0;
  private current = new Set<string>();
  private previous = new Set<string>();

  add(events: readonly EventInput[]): { ordersPaid: number; gmvFen: number } {
    const added = { ordersPaid: 0, gmvFen: 0 };
    for (const e of events) {
      const key = `${e.shopId}|${e.id}`;
      if (e.type !== 'ORDER_PAID' || this.current.has(key) || this.previous.has(key)) continue;
      this.current.add(key);
      added.ordersPaid++;
      added.gmvFen += yuanToFen(e.amount!);
    }
    if (this.current.size > 5_000) [this.previous, this.current] = [this.current, new Set()];
    this.ordersPaid += added.ordersPaid;
    this.gmvFen += added.gmvFen;
    return added;
  }
}

/** What a run of simulated traffic has achieved, for the logs of both the CLI and `npm start`. */
export interface TrafficTotals {
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  ordersPaid: number;
  gmvFen: number;
}

export function emptyTotals(): TrafficTotals {
  return { sent: 0, accepted: 0, duplicates: 0, rejected: 0, ordersPaid: 0, gmvFen: 0 };
}

/** Adds one acknowledged batch: the server's verdict and the paid orders it carried (counted once each). */
export function countBatch(
  totals: TrafficTotals,
  batch: readonly EventInput[],
  reply: { accepted: number; duplicates: number; userErrors: readonly unknown[] },
  tally: PaidTally,
) {
  const sold = tally.add(batch);
  totals.sent += batch.length;
  totals.accepted += reply.accepted;
  totals.duplicates += reply.duplicates;
  totals.rejected += reply.userErrors.length;
  totals.ordersPaid += sold.ordersPaid;
  totals.gmvFen += sold.gmvFen;
}
