import { sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { fen, id, instant, timestamps } from '../../db/columns.js';
import { channelEnum, trafficSourceEnum } from '../../db/enums.js';
import { campaigns } from '../campaign/campaign.table.js';
import { customers } from '../customer/customer.table.js';
import { skus } from '../product/product.table.js';
import { shops } from '../shop/shop.table.js';

/** REFUNDED means fully refunded; a partial refund keeps the order's status and raises refundedFen. */
export const ORDER_STATUSES = ['PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'REFUNDED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const orderStatusEnum = pgEnum('order_status', ORDER_STATUSES);

export const orders = pgTable(
  'orders',
  {
    id: id(),
    shopId: uuid()
      .notNull()
      .references(() => shops.id),
    /** The producer's order id, unique per shop. */
    externalId: text().notNull(),
    customerId: uuid().references(() => customers.id),
    channel: channelEnum().notNull(),
    source: trafficSourceEnum().notNull(),
    campaignId: uuid().references(() => campaigns.id),
    status: orderStatusEnum().notNull(),
    amountFen: fen().notNull(),
    refundedFen: fen().notNull().default(0),
    /** Earliest known moment of the order (events may arrive out of order). */
    placedAt: instant().notNull(),
    /** When ORDER_PLACED happened; null until that event arrives (it may come after the payment). */
    placedEventAt: instant(),
    paidAt: instant(),
    shippedAt: instant(),
    deliveredAt: instant(),
    /** From ORDER_SHIPPED: the carrier (顺丰, 中通 …) and its waybill number, when the producer sends them. */
    carrier: text(),
    trackingNumber: text(),
    /** Earliest refund: the refund-rate count sits in this moment's bucket, whatever order refunds arrive in. */
    refundedAt: instant(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('orders_shop_external_key').on(t.shopId, t.externalId),
    index('orders_shop_placed_idx').on(t.shopId, t.placedAt, t.id),
    index('orders_placed_idx').on(t.placedAt, t.id),
    index('orders_campaign_idx').on(t.campaignId),
    index('orders_customer_idx').on(t.customerId),
    // Paid orders by payment time with their customer: repurchase rate and GMV by RFM segment read only this index.
    index('orders_shop_paid_idx').on(t.shopId, t.paidAt, t.customerId).where(sql`paid_at is not null`),
    // Paid and not shipped: the UNSHIPPED_OVERDUE rule and the fulfilment tile read only these rows.
    index('orders_unshipped_idx').on(t.shopId, t.paidAt).where(sql`status = 'PAID' and shipped_at is null`),
  ],
);

export const orderItems = pgTable(
  'order_items',
  {
    id: id(),
    orderId: uuid()
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    skuId: uuid()
      .notNull()
      .references(() => skus.id),
    quantity: integer().notNull(),
    unitPriceFen: fen().notNull(),
  },
  (t) => [index('order_items_order_idx').on(t.orderId), index('order_items_sku_idx').on(t.skuId)],
);

export const refunds = pgTable(
  'refunds',
  {
    id: id(),
    orderId: uuid()
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    amountFen: fen().notNull(),
    reason: text().notNull(),
    refundedAt: instant().notNull(),
    /** Copied from the order when the refund is written (an order's shop and campaign never change). */
    shopId: uuid(),
    campaignId: uuid(),
    ...timestamps(),
  },
  (t) => [
    index('refunds_order_idx').on(t.orderId),
    // Refunds by reason for a campaign's retrospective, answered from this index alone.
    index('refunds_campaign_reason_idx').on(t.campaignId, t.reason, t.amountFen),
  ],
);

export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;
