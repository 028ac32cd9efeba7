import { builder } from '../../builder.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { fenToYuan } from '../../lib/money.js';
import { ShopRef } from '../shop/shop.schema.js';
import { listCustomers, loadCustomers, MEMBERSHIP_TIERS, membershipTier } from './customer.service.js';
import type { CustomerRow } from './customer.table.js';

const MembershipTierEnum = builder.enumType('MembershipTier', {
  description: 'By cumulative spend: SILVER ≥ ¥500, GOLD ≥ ¥2,000, DIAMOND ≥ ¥5,000.',
  values: MEMBERSHIP_TIERS,
});

export const CustomerRef = builder.loadableNode('Customer', {
  id: uuidNodeId<CustomerRow>(),
  load: (ids: string[], ctx) => loadCustomers(ctx.db, ctx.viewer, ids),
  sort: (customer) => customer.id,
  fields: (t) => ({
    shop: t.field({ type: ShopRef, resolve: (c) => c.shopId }),
    externalId: t.exposeString('externalId', { description: "The producer's customer id." }),
    nickname: t.exposeString('nickname', { nullable: true }),
    firstOrderAt: t.expose('firstOrderAt', { type: 'DateTime', nullable: true }),
    lastOrderAt: t.expose('lastOrderAt', { type: 'DateTime', nullable: true }),
    paidOrders: t.exposeInt('paidOrders'),
    spend: t.field({ type: 'Decimal', description: 'Cumulative paid amount in yuan.', resolve: (c) => fenToYuan(c.spendFen) }),
    points: t.exposeInt('points'),
    tier: t.field({ type: MembershipTierEnum, resolve: (c) => membershipTier(c.spendFen) }),
  }),
});

const CustomerFilter = builder.inputType('CustomerFilter', {
  fields: (t) => ({
    shopIds: t.globalIDList({ for: ShopRef }),
    tier: t.field({ type: MembershipTierEnum }),
  }),
});

builder.queryField('customers', (t) =>
  t.connection({
    type: CustomerRef,
    args: { filter: t.arg({ type: CustomerFilter }) },
    resolve: (_root, { filter, ...args }, ctx) =>
      listCustomers(ctx.db, ctx.viewer, { tier: filter?.tier, shopIds: filter?.shopIds?.map((id) => id.id) }, args),
  },
    { name: 'CustomerConnection' },
    { name: 'CustomerEdge' },
  ),
);
