import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { selects } from '../../graphql/selection.js';
import { ORDER_STATUSES } from './order.table.js';
import { ChannelEnum, TrafficSourceEnum } from '../../graphql/enums.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { fenToYuan } from '../../lib/money.js';
import { CampaignRef } from '../campaign/campaign.schema.js';
import { CustomerRef } from '../customer/customer.schema.js';
import { SkuRef, visibleSkuFacts } from '../product/product.schema.js';
import { ShopRef } from '../shop/shop.schema.js';
import { itemsOfOrders, listOrders, loadOrders, prefetchedItems, refundsOfOrders } from './order.service.js';
import type { OrderItemRow, OrderRow, RefundRow } from './order.table.js';

const OrderStatusEnum = builder.enumType('OrderStatus', {
  description:
    'From what is known, highest first: REFUNDED (fully refunded) > DELIVERED > SHIPPED > PAID > PLACED. A partially refunded order keeps its status and shows refundedAmount; an order whose payment is not known yet stays PLACED even if shipped.',
  values: ORDER_STATUSES,
});

const OrderItemRef = builder.objectRef<OrderItemRow>('OrderItem').implement({
  fields: (t) => ({
    // The SKU's code and product need no query once the SKU was read on this instance (product.facts.ts).
    sku: t.field({ type: SkuRef, resolve: (item, _args, ctx) => visibleSkuFacts(ctx, item.skuId) ?? item.skuId }),
    quantity: t.exposeInt('quantity'),
    unitPrice: t.field({ type: 'Decimal', resolve: (item) => fenToYuan(item.unitPriceFen) }),
    lineTotal: t.field({ type: 'Decimal', resolve: (item) => fenToYuan(item.unitPriceFen * item.quantity) }),
  }),
});

/** Items of orders not read with their page (a single order, a customer's orders), batched per request. */
const itemsLoader = createContextCache((ctx: Context) => new DataLoader<string, OrderItemRow[]>((orderIds) => itemsOfOrders(ctx.db, orderIds)));

const RefundRef = builder.objectRef<RefundRow>('Refund').implement({
  fields: (t) => ({
    amount: t.field({ type: 'Decimal', resolve: (r) => fenToYuan(r.amountFen) }),
    reason: t.exposeString('reason'),
    refundedAt: t.expose('refundedAt', { type: 'DateTime' }),
  }),
});

export const OrderRef = builder.loadableNode('Order', {
  id: uuidNodeId<OrderRow>(),
  load: (ids: string[], ctx) => loadOrders(ctx.db, ctx.viewer, ids),
  sort: (order) => order.id,
  fields: (t) => ({
    shop: t.field({ type: ShopRef, resolve: (o) => o.shopId }),
    externalId: t.exposeString('externalId', { description: "The producer's order id, unique per shop." }),
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (o) => o.customerId }),
    channel: t.expose('channel', { type: ChannelEnum }),
    source: t.expose('source', { type: TrafficSourceEnum }),
    campaign: t.field({ type: CampaignRef, nullable: true, resolve: (o) => o.campaignId }),
    status: t.expose('status', { type: OrderStatusEnum }),
    amount: t.field({ type: 'Decimal', description: 'Order amount in yuan.', resolve: (o) => fenToYuan(o.amountFen) }),
    refundedAmount: t.field({ type: 'Decimal', resolve: (o) => fenToYuan(o.refundedFen) }),
    netAmount: t.field({ type: 'Decimal', description: 'Amount minus refunds.', resolve: (o) => fenToYuan(o.amountFen - o.refundedFen) }),
    placedAt: t.expose('placedAt', { type: 'DateTime' }),
    paidAt: t.expose('paidAt', { type: 'DateTime', nullable: true }),
    shippedAt: t.expose('shippedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Earliest ORDER_SHIPPED. Known even before the payment; the status turns SHIPPED only once the order is paid.',
    }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'Earliest ORDER_DELIVERED.' }),
    carrier: t.exposeString('carrier', {
      nullable: true,
      authScopes: { read: true },
      description: 'From ORDER_SHIPPED: the carrier (顺丰, 中通 …) of the earliest shipment that names one.',
    }),
    trackingNumber: t.exposeString('trackingNumber', {
      nullable: true,
      authScopes: { read: true },
      description: 'From ORDER_SHIPPED: the waybill number (运单号) of the earliest shipment that names one.',
    }),
    refundedAt: t.expose('refundedAt', { type: 'DateTime', nullable: true }),
    items: t.field({
      type: [OrderItemRef],
      // Read with the page when the orders connection asked for them (listOrders), else batched.
      resolve: (o, _args, ctx) => prefetchedItems(o) ?? itemsLoader(ctx).load(o.id),
    }),
    refunds: t.loadableList({
      type: RefundRef,
      load: (orderIds: string[], ctx) => refundsOfOrders(ctx.db, orderIds),
      resolve: (o) => o.id,
    }),
  }),
});

const OrderFilter = builder.inputType('OrderFilter', {
  fields: (t) => ({
    shopIds: t.globalIDList({ for: ShopRef }),
    statuses: t.field({ type: [OrderStatusEnum] }),
    channels: t.field({ type: [ChannelEnum] }),
    sources: t.field({ type: [TrafficSourceEnum] }),
    campaignId: t.globalID({ for: CampaignRef }),
    customerId: t.globalID({ for: CustomerRef }),
    from: t.field({ type: 'DateTime', description: 'Placed at or after.' }),
    to: t.field({ type: 'DateTime', description: 'Placed before (exclusive).' }),
  }),
});

builder.queryField('orders', (t) =>
  t.connection({
    type: OrderRef,
    description: 'Orders the caller may see, newest first.',
    args: { filter: t.arg({ type: OrderFilter }) },
    resolve: (_root, { filter, ...args }, ctx, info) =>
      listOrders(
        ctx.db,
        ctx.viewer,
        {
          ...filter,
          shopIds: filter?.shopIds?.map((id) => id.id),
          campaignId: filter?.campaignId?.id,
          customerId: filter?.customerId?.id,
        },
        args,
        { items: selects(info, ['edges', 'node', 'items']) },
      ),
  },
    { name: 'OrderConnection' },
    { name: 'OrderEdge' },
  ),
);
