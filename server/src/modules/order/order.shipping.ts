import type { RollupBatch, RollupDims } from '../metrics/rollup.writer.js';
import type { OrderStatus } from './order.table.js';

// Shipping as ingestion applies it (ORDER_SHIPPED, ORDER_DELIVERED). Like the other moments of an
// order, shippedAt and deliveredAt are the EARLIEST known: a second shipment event (a split parcel,
// a corrected scan) only moves them earlier. Every rollup contribution sits in the bucket of the
// moment it belongs to and moves with it, so any arrival order ends in the same rollups.

/** The part of an order's ingest state that shipping reads and writes. */
export interface ShippingState {
  dims: RollupDims;
  paidAt: Date | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  carrier: string | null;
  trackingNumber: string | null;
}

/**
 * The shipment counts once per order, at its earliest shippedAt. Carrier and tracking number follow
 * that earliest shipment when it names them; a later one only fills in what is still unknown.
 */
export function applyShipment(
  order: ShippingState,
  e: { occurredAt: Date; carrier: string | null; trackingNumber: string | null },
  rollups: RollupBatch,
): void {
  const t = e.occurredAt;
  const earliest = !order.shippedAt || t < order.shippedAt;
  if (earliest) {
    if (order.shippedAt) {
      rollups.add(order.shippedAt, order.dims, { ordersShipped: -1 });
      timeShipment(order, rollups, -1);
    }
    order.shippedAt = t;
    rollups.add(t, order.dims, { ordersShipped: 1 });
    timeShipment(order, rollups, 1);
  }
  if (e.carrier && (earliest || !order.carrier)) order.carrier = e.carrier;
  if (e.trackingNumber && (earliest || !order.trackingNumber)) order.trackingNumber = e.trackingNumber;
}

/** The delivery counts once per order, at its earliest deliveredAt. */
export function applyDelivery(order: ShippingState, t: Date, rollups: RollupBatch): void {
  if (order.deliveredAt && t >= order.deliveredAt) return;
  if (order.deliveredAt) rollups.add(order.deliveredAt, order.dims, { ordersDelivered: -1 });
  order.deliveredAt = t;
  rollups.add(t, order.dims, { ordersDelivered: 1 });
}

/**
 * Adds (sign 1) or takes back (sign -1) the order's paid-to-shipped time, in the shippedAt bucket.
 * It exists once both moments are known, whichever event arrived second: ingestion calls this when
 * the payment arrives after the shipment, and applyShipment when the shipment arrives or moves.
 * A shipment stamped before its payment (cash on delivery, a skewed clock) counts as zero seconds,
 * never as negative time that would drag the average down.
 */
export function timeShipment(order: ShippingState, rollups: RollupBatch, sign: 1 | -1): void {
  if (!order.paidAt || !order.shippedAt) return;
  const seconds = Math.max(0, Math.round((order.shippedAt.getTime() - order.paidAt.getTime()) / 1000));
  rollups.add(order.shippedAt, order.dims, { shipSeconds: sign * seconds, shipTimedOrders: sign });
}

/**
 * Status from what is known, highest first: REFUNDED (fully refunded) > DELIVERED > SHIPPED > PAID >
 * PLACED. An order whose payment is not known stays PLACED even when its shipment or delivery has
 * arrived: every status from PAID on means "paid" (orders are paid orders, DOMAIN.md), so a shipment
 * seen before its payment — usually the payment event still on its way — is recorded (shippedAt,
 * carrier, the shipped count at its moment) and the order becomes SHIPPED or DELIVERED the moment
 * the payment arrives. A fully refunded order stays REFUNDED whatever shipping events follow (a
 * return after delivery is still a refund); a partial refund keeps the shipping status.
 */
export function orderStatus(order: {
  paidAt: Date | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  amountFen: number;
  refundedFen: number;
}): OrderStatus {
  if (!order.paidAt) return 'PLACED';
  if (order.refundedFen >= order.amountFen && order.refundedFen > 0) return 'REFUNDED';
  if (order.deliveredAt) return 'DELIVERED';
  if (order.shippedAt) return 'SHIPPED';
  return 'PAID';
}
