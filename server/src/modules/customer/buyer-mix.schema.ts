import { builder } from '../../builder.js';
import { fenToYuan } from '../../lib/money.js';
import { MetricsRef } from '../metrics/metrics.schema.js';
import type { BuyerMix } from './buyer-mix.js';
import { RfmSegmentEnum } from './customer.schema.js';
import type { SegmentFigures } from './segment-figures.js';

// Both are read from orders and customers (not rollups), only when selected, once per Metrics object:
// in liveMetrics that is one query per message of the topic (shared by its subscribers), never per tick
// for a stream that does not select them.
const FROM_ORDERS =
  'Exact, from the paid orders of the window (a paid order counts even if later fully refunded) and the customers table; computed only when selected — in liveMetrics, once per message of the topic.';

const BuyerMixRef = builder.objectRef<BuyerMix>('BuyerMix').implement({
  description: `New vs returning buyers and repurchase over the window and scope. ${FROM_ORDERS}`,
  fields: (t) => ({
    buyers: t.exposeInt('buyers', {
      description: 'Distinct customers with a paid order of the scope in the window, counted exactly (Metrics.buyers is a sketch estimate). = newBuyers + returningBuyers.',
    }),
    newBuyers: t.exposeInt('newBuyers', {
      description:
        "Customers whose first payment ever (at that shop) falls in the window. With only shops and channels in the scope: the scope's shops' customers, from customers(shop_id, first_order_at). A scope naming sources or a campaign cannot be put on customers: then it is the scope's buyers in the window whose first payment ever, through any source or campaign, falls in the window.",
    }),
    returningBuyers: t.exposeInt('returningBuyers', {
      description: 'Buyers of the scope in the window who had paid at that shop before it (through any source or campaign).',
    }),
    newBuyerShare: t.exposeFloat('newBuyerShare', { nullable: true, description: 'newBuyers / buyers, in [0, 1]; null without buyers.' }),
    repurchasers: t.exposeInt('repurchasers', { description: 'Customers with ≥ 2 paid orders of the scope in the window.' }),
    repurchaseRate: t.exposeFloat('repurchaseRate', {
      nullable: true,
      description: 'Repurchase rate (复购率) = customers with ≥ 2 paid orders in the window / customers with ≥ 1, in [0, 1]; null without buyers.',
    }),
  }),
});

const SegmentFiguresRef = builder.objectRef<SegmentFigures>('SegmentFigures').implement({
  description:
    "The window's paid orders of the scope by their customer's RFM segment as it is NOW (the rule of customers(filter: { segment }) at the time of the query), not the segment the customer had when ordering.",
  fields: (t) => ({
    segment: t.field({ type: RfmSegmentEnum, resolve: (s) => s.segment }),
    gmv: t.field({ type: 'Decimal', description: 'Sum of these paid orders’ amounts in yuan, refunds not deducted.', resolve: (s) => fenToYuan(s.gmvFen) }),
    orders: t.exposeInt('orders', { description: 'Paid orders.' }),
    buyers: t.exposeInt('buyers', { description: 'Distinct customers with a paid order, exact.' }),
    share: t.exposeFloat('share', { description: "This segment's GMV / the GMV of all four segments, in [0, 1]; 0 without GMV." }),
  }),
});

builder.objectFields(MetricsRef, (t) => ({
  buyerMix: t.field({
    type: BuyerMixRef,
    description: `New vs returning buyers and the repurchase rate. ${FROM_ORDERS}`,
    resolve: (m) => m.buyerMix(),
  }),
  bySegment: t.field({
    type: [SegmentFiguresRef],
    description: `GMV, orders and buyers per RFM segment — all four, zeros included — with each customer in their segment as of now. ${FROM_ORDERS}`,
    resolve: (m) => m.bySegment(),
  }),
}));
