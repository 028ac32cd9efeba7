import { builder } from '../../builder.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { asPayload, payloadType } from '../../graphql/user-error.js';
import { fenToYuan } from '../../lib/money.js';
import { ShopRef } from '../shop/shop.schema.js';
import { RFM_SEGMENTS, rfmSegment } from './customer.rfm.js';
import { customerSegments, listCustomers, loadCustomers, MEMBERSHIP_TIERS, membershipTier, type SegmentSummary } from './customer.service.js';
import { POINTS_ENTRY_KINDS, type CustomerRow, type PointsEntryRow } from './customer.table.js';
import { pointsEntries, POINTS_PER_YUAN_REDEEMED, redeemPoints, type Redemption } from './points.ledger.js';

const MembershipTierEnum = builder.enumType('MembershipTier', {
  description: 'By cumulative spend net of refunds: SILVER ≥ ¥500, GOLD ≥ ¥2,000, DIAMOND ≥ ¥5,000.',
  values: MEMBERSHIP_TIERS,
});

export const RfmSegmentEnum = builder.enumType('RfmSegment', {
  description:
    'SLEEPING: no paid order for 3 calendar months (Asia/Shanghai; at 10:00 on 12-07, the last order at or before 10:00 on 09-07). Otherwise IMPORTANT_VALUE: last paid order within 30 days, ≥ 3 paid orders and net spend ≥ ¥1,000; ' +
    'IMPORTANT_DEVELOPMENT: net spend ≥ ¥1,000 without being both recent and frequent; GENERAL_VALUE: the rest. Computed with the clock, at read time.',
  values: RFM_SEGMENTS,
});

const PointsEntryKindEnum = builder.enumType('PointsEntryKind', { values: POINTS_ENTRY_KINDS });

const PointsEntryRef = builder.objectRef<PointsEntryRow>('PointsEntry').implement({
  description: 'One change of a points balance. EARN entries are lots: they expire, and are consumed oldest-expiring first.',
  fields: (t) => ({
    kind: t.field({ type: PointsEntryKindEnum, resolve: (e) => e.kind }),
    points: t.exposeInt('points', { description: 'Signed: positive for EARN, negative otherwise.' }),
    sourceKey: t.exposeString('sourceKey', { description: 'What caused it: EARN:<order>, REVERSE:<refund>, REDEEM:<requestId>, EXPIRE:<lot>.' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    remaining: t.exposeInt('remaining', { nullable: true, description: 'EARN lots: points not yet spent, reversed or expired.' }),
  }),
});

const read = { read: true } as const;

export const CustomerRef = builder.loadableNode('Customer', {
  id: uuidNodeId<CustomerRow>(),
  load: (ids: string[], ctx) => loadCustomers(ctx.db, ctx.viewer, ids),
  sort: (customer) => customer.id,
  fields: (t) => ({
    shop: t.field({ type: ShopRef, resolve: (c) => c.shopId }),
    externalId: t.exposeString('externalId', { description: "The producer's customer id." }),
    nickname: t.exposeString('nickname', { nullable: true }),
    // What the customer bought needs READ however it is reached (a customer in redeemPoints' answer runs under
    // MANAGE alone; docs/SECURITY.md). The balance the redemption changed does not.
    firstOrderAt: t.expose('firstOrderAt', { type: 'DateTime', nullable: true, authScopes: read }),
    lastOrderAt: t.expose('lastOrderAt', { type: 'DateTime', nullable: true, authScopes: read }),
    paidOrders: t.exposeInt('paidOrders', { authScopes: read }),
    spend: t.field({ type: 'Decimal', authScopes: read, description: 'Cumulative paid amount in yuan.', resolve: (c) => fenToYuan(c.spendFen) }),
    refunded: t.field({ type: 'Decimal', authScopes: read, description: 'Refunded amount of the paid orders, in yuan.', resolve: (c) => fenToYuan(c.refundedFen) }),
    netSpend: t.field({ type: 'Decimal', authScopes: read, description: 'Spend net of refunds, in yuan: what the tier and RFM follow.', resolve: (c) => fenToYuan(c.spendFen - c.refundedFen) }),
    points: t.exposeInt('points', { description: 'The balance: the sum of the points ledger. 100 points = ¥1.' }),
    tier: t.field({ type: MembershipTierEnum, authScopes: read, resolve: (c) => membershipTier(c.spendFen, c.refundedFen) }),
    rfmSegment: t.field({ type: RfmSegmentEnum, authScopes: read, resolve: (c, _args, ctx) => rfmSegment(c, ctx.now()) }),
    pointsEntries: t.field({
      type: [PointsEntryRef],
      authScopes: read,
      description: 'The ledger, oldest first (at most `first`, ≤ 500).',
      args: { first: t.arg.int({ defaultValue: 100 }) },
      resolve: (c, { first }, ctx) => pointsEntries(ctx.db, c.id, Math.min(Math.max(first ?? 100, 0), 500)),
    }),
  }),
});

const CustomerFilter = builder.inputType('CustomerFilter', {
  fields: (t) => ({
    shopIds: t.globalIDList({ for: ShopRef }),
    tier: t.field({ type: MembershipTierEnum }),
    segment: t.field({ type: RfmSegmentEnum, description: 'The RFM segment as of now (same thresholds as Customer.rfmSegment).' }),
  }),
});

builder.queryField('customers', (t) =>
  t.connection({
    type: CustomerRef,
    args: { filter: t.arg({ type: CustomerFilter }) },
    resolve: (_root, { filter, ...args }, ctx) =>
      listCustomers(ctx.db, ctx.viewer, { tier: filter?.tier, segment: filter?.segment, shopIds: filter?.shopIds?.map((id) => id.id) }, args, ctx.now()),
  },
    { name: 'CustomerConnection' },
    { name: 'CustomerEdge' },
  ),
);

const SegmentSummaryRef = builder.objectRef<SegmentSummary>('SegmentSummary').implement({
  description: 'Customers of one RFM segment, from the customers table as of now.',
  fields: (t) => ({
    segment: t.field({ type: RfmSegmentEnum, resolve: (s) => s.segment }),
    customers: t.exposeInt('customers'),
    paidOrders: t.exposeInt('paidOrders'),
    spend: t.field({ type: 'Decimal', description: 'Cumulative paid amount, yuan.', resolve: (s) => fenToYuan(s.spendFen) }),
    netSpend: t.field({ type: 'Decimal', description: 'Spend net of refunds, yuan.', resolve: (s) => fenToYuan(s.netSpendFen) }),
    share: t.exposeFloat('share', { description: "Fraction of the scope's customers in this segment." }),
    repurchaseRate: t.exposeFloat('repurchaseRate', { nullable: true, description: 'Customers with ≥ 2 paid orders / customers with ≥ 1, in this segment.' }),
  }),
});

builder.queryField('customerSegments', (t) =>
  t.field({
    type: [SegmentSummaryRef],
    description: "All four RFM segments for the caller's shops, or the named ones (FORBIDDEN if one is not visible).",
    args: { shopIds: t.arg.globalIDList({ for: ShopRef }) },
    resolve: (_root, { shopIds }, ctx) => customerSegments(ctx.db, ctx.viewer, shopIds?.map((id) => id.id) ?? null, ctx.now()),
  }),
);

const RedemptionRef = builder.objectRef<Redemption>('PointsRedemption').implement({
  fields: (t) => ({
    customer: t.field({ type: CustomerRef, resolve: (r) => r.customer }),
    entry: t.field({ type: PointsEntryRef, resolve: (r) => r.entry }),
    value: t.field({ type: 'Decimal', description: 'What the points are worth: 100 points = ¥1.', resolve: (r) => fenToYuan((-r.entry.points * 100) / POINTS_PER_YUAN_REDEEMED) }),
  }),
});

const RedeemPointsInput = builder.inputType('RedeemPointsInput', {
  fields: (t) => ({
    customerId: t.globalID({ for: CustomerRef, required: true }),
    points: t.int({ required: true }),
    requestId: t.string({ required: true, description: 'Makes a retry safe: the same requestId redeems once.' }),
  }),
});

builder.mutationField('redeemPoints', (t) =>
  t.field({
    type: payloadType('RedeemPointsPayload', 'redemption', RedemptionRef),
    authScopes: { manage: true },
    description: 'Spends points at 100 points = ¥1, oldest-expiring first; refused (INVALID_AMOUNT) when the balance is short.',
    args: { input: t.arg({ type: RedeemPointsInput, required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => redeemPoints(ctx.db, ctx.viewer, { ...input, customerId: input.customerId.id }, ctx.now())),
  }),
);
