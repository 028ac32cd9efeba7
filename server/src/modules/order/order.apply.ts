import { customerKey, type CustomerPurchases } from '../customer/customer.ingest.js';
import { fenToYuanGrouped } from '../../lib/money.js';
import type { ItemIssue } from '../../lib/validate.js';
import type { ValidEvent } from '../ingest/ingest.validate.js';
import type { RollupBatch, RollupDims } from '../metrics/rollup.writer.js';
import { applyDelivery, applyShipment, timeShipment } from './order.shipping.js';

// The rules of an order's life, applied in memory to the locked rows of one ingest batch
// (order.ingest.ts reads and writes them). No I/O here: every effect is recorded in the order's
// state, in OrderChanges or in the batch's rollups.

export type Item = { skuId: string; quantity: number; unitPriceFen: number };

export interface OrderState {
  id: string;
  shopId: string;
  externalId: string;
  dims: RollupDims;
  customerExternalId: string | null;
  amountFen: number;
  refundedFen: number;
  placedAt: Date;
  placedEventAt: Date | null;
  paidAt: Date | null;
  refundedAt: Date | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  carrier: string | null;
  trackingNumber: string | null;
  items: Item[] | null;
  newItems: Item[] | null;
  /** Paid or refunded in this batch: its points (EARN / REVERSE) may change. */
  pointsTouched: boolean;
}

export interface NewRefund {
  orderId: string;
  /** The order's shop and campaign, stored with the refund (an order's never change). */
  shopId: string;
  campaignId: string | null;
  amountFen: number;
  reason: string;
  refundedAt: Date;
}

/** What a batch's order events change outside the orders themselves: customers, refunds, stock. */
export interface OrderChanges {
  /** By customerKey(shop, external id). */
  customers: Map<string, CustomerPurchases>;
  refunds: NewRefund[];
  /** Units sold by SKU id. */
  unitsSold: Map<string, number>;
  /** Each line counted as sold in this batch, with its payment and buyer: the product module's new-product trials. */
  sales: PaidLine[];
}

/** A line of a paid order, as the sale is counted: at the payment, by the customer `${shopId}:${externalId}` (as the rollups' buyers). */
export interface PaidLine {
  skuId: string;
  paidAt: Date;
  buyer: string | null;
}

export const TYPE_RANK = { ORDER_PLACED: 0, ORDER_PAID: 1, ORDER_REFUNDED: 2, ORDER_SHIPPED: 3, ORDER_DELIVERED: 4 } as Record<string, number>;
export const orderKey = (shopId: string, externalId: string) => `${shopId}|${externalId}`;

/**
 * A refund that arrived before its order's amount was known is checked once the amount comes: the
 * event that would leave refunds above the amount is refused, whichever of them arrived last.
 */
function refundsExceed(order: OrderState, amountFen: number): ItemIssue {
  return {
    path: ['amount'],
    message: `refunds of ${order.refundedFen} fen already recorded for order ${order.externalId} exceed its amount of ${amountFen} fen`,
    messageZh: `订单 ${order.externalId} 已记录的退款 ${order.refundedFen} 分超过其金额 ${amountFen} 分`,
    code: 'INVALID_AMOUNT',
  };
}

/**
 * Applies one event to its order. Every contribution to the rollups is placed in the bucket of the
 * moment it belongs to (a payment's GMV at the payment, an order's first refund at the earliest
 * refund, its shipment and delivery at the earliest of each: order.shipping.ts), so applying an
 * order's events in time order gives the same state and metrics for any arrival order.
 * Returns the reason the event is refused, or null when it was applied.
 */
export function applyOrderEvent(order: OrderState, e: ValidEvent, rollups: RollupBatch, changes: OrderChanges): ItemIssue | null {
  // An event without a source takes its order's attribution, campaign included (a warehouse's shipment
  // knows the order, not where its buyer came from). One that names a source names its campaign too (none
  // when absent); either must agree with the order.
  const otherSource = e.source !== null && e.source !== order.dims.source;
  const otherCampaign = (e.source !== null || e.campaignId != null) && (e.campaignId ?? null) !== order.dims.campaignId;
  if (otherSource || otherCampaign) {
    return {
      path: ['source'],
      message: `order ${order.externalId} is attributed to ${order.dims.source}${order.dims.campaignId ? ' and a campaign' : ''}; its events must agree`,
      messageZh: `订单 ${order.externalId} 已归因于 ${order.dims.source}${order.dims.campaignId ? ' 及一个活动' : ''}，其事件必须与之一致`,
      code: 'CONFLICT',
    };
  }
  if (e.customerId && order.customerExternalId && e.customerId !== order.customerExternalId) {
    return { path: ['customerId'], message: `order ${order.externalId} belongs to another customer`, messageZh: `订单 ${order.externalId} 属于另一位客户`, code: 'CONFLICT' };
  }
  const t = e.occurredAt;
  if (e.type === 'ORDER_PLACED') {
    if (order.placedEventAt) return { path: ['type'], message: `order ${order.externalId} was already placed`, messageZh: `订单 ${order.externalId} 已下单`, code: 'CONFLICT' };
    if (!order.paidAt && order.refundedFen > (e.amountFen ?? 0)) return refundsExceed(order, e.amountFen ?? 0);
    order.placedEventAt = t;
    if (!order.paidAt) order.amountFen = e.amountFen ?? 0;
    rollups.add(t, order.dims, { ordersPlaced: 1 });
  } else if (e.type === 'ORDER_PAID') {
    if (order.paidAt) return { path: ['type'], message: `order ${order.externalId} was already paid`, messageZh: `订单 ${order.externalId} 已支付`, code: 'CONFLICT' };
    if (order.refundedFen > e.amountFen!) return refundsExceed(order, e.amountFen!);
    order.paidAt = t;
    order.amountFen = e.amountFen!;
    order.pointsTouched = true;
    rollups.add(t, order.dims, { ordersPaid: 1, gmvFen: e.amountFen! }, { buyers: `${e.shopId}:${e.customerId}` });
    const key = customerKey(e.shopId, e.customerId!);
    const purchases = changes.customers.get(key) ?? { shopId: e.shopId, externalId: e.customerId!, paidOrders: 0, spendFen: 0, firstOrderAt: null, lastOrderAt: null };
    purchases.paidOrders += 1;
    purchases.spendFen += e.amountFen!;
    purchases.firstOrderAt = purchases.firstOrderAt && purchases.firstOrderAt < t ? purchases.firstOrderAt : t;
    purchases.lastOrderAt = purchases.lastOrderAt && purchases.lastOrderAt > t ? purchases.lastOrderAt : t;
    changes.customers.set(key, purchases);
    if (order.items) recordItemsSold(order, order.items, rollups, changes, e.customerId!);
    // A shipment that arrived first gets its paid-to-shipped time now that both moments are known.
    timeShipment(order, rollups, 1);
  } else if (e.type === 'ORDER_SHIPPED') {
    applyShipment(order, e, rollups);
  } else if (e.type === 'ORDER_DELIVERED') {
    applyDelivery(order, t, rollups);
  } else {
    const knownAmount = order.paidAt || order.placedEventAt ? order.amountFen : null;
    if (knownAmount !== null && order.refundedFen + e.amountFen! > knownAmount) {
      // In yuan, as the event's amount was sent (the API never speaks fen).
      const amount = `¥${fenToYuanGrouped(knownAmount)}`;
      return { path: ['amount'], message: `refunds would exceed the order amount of ${amount}`, messageZh: `退款将超过订单金额 ${amount}`, code: 'INVALID_AMOUNT' };
    }
    order.refundedFen += e.amountFen!;
    order.pointsTouched = true;
    changes.refunds.push({ orderId: order.id, shopId: order.shopId, campaignId: order.dims.campaignId, amountFen: e.amountFen!, reason: e.reason!, refundedAt: t });
    rollups.add(t, order.dims, { refundedFen: e.amountFen! });
    // The order counts as refunded once, at its earliest refund, even if an earlier refund arrives late.
    if (!order.refundedAt || t < order.refundedAt) {
      if (order.refundedAt) rollups.add(order.refundedAt, order.dims, { refundedOrders: -1 });
      rollups.add(t, order.dims, { refundedOrders: 1 });
      order.refundedAt = t;
    }
  }
  const learnt = e.customerId !== null && !order.customerExternalId;
  if (learnt) order.customerExternalId = e.customerId;
  // Every customer whose points may change gets a row in the upsert, which locks it in key order.
  const moneyMoved = e.type === 'ORDER_PAID' || e.type === 'ORDER_REFUNDED';
  const key = order.customerExternalId ? customerKey(e.shopId, order.customerExternalId) : null;
  if (key && (learnt || moneyMoved) && !changes.customers.has(key)) {
    changes.customers.set(key, { shopId: e.shopId, externalId: order.customerExternalId!, paidOrders: 0, spendFen: 0, firstOrderAt: null, lastOrderAt: null });
  }
  if (t < order.placedAt) order.placedAt = t;
  if (!order.items && e.items?.length) {
    order.items = e.items;
    order.newItems = e.items;
    // Items learnt with or after the payment: the sale belongs to the payment's moment.
    if (order.paidAt) recordItemsSold(order, e.items, rollups, changes, order.customerExternalId);
  }
  return null;
}

function recordItemsSold(order: OrderState, items: Item[], rollups: RollupBatch, changes: OrderChanges, customerId: string | null) {
  const paidAt = order.paidAt!;
  const buyer = customerId === null ? null : `${order.shopId}:${customerId}`;
  for (const item of items) {
    changes.sales.push({ skuId: item.skuId, paidAt, buyer });
    rollups.addSku(paidAt, order.dims, item.skuId, { ordersPaid: 1, unitsSold: item.quantity, gmvFen: item.quantity * item.unitPriceFen });
    rollups.add(paidAt, order.dims, { unitsSold: item.quantity });
    changes.unitsSold.set(item.skuId, (changes.unitsSold.get(item.skuId) ?? 0) + item.quantity);
  }
}
