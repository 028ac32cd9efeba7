import { builder } from '../../builder.js';
import { averagePaidToShippedSeconds } from './metrics.formulas.js';
import { MetricsRef } from './metrics.schema.js';
import type { MetricsView } from './metrics.service.js';

// Metrics.fulfilment lives apart from metrics.schema.ts: it is the one part of Metrics that reads the
// orders as they stand (unshippedOverdue) besides the rollups. Being a field of Metrics, it comes with
// every Metrics — the `metrics` query, Campaign.metrics and each liveMetrics message — scoped alike.

const FulfilmentRef = builder.objectRef<MetricsView>('Fulfilment').implement({
  description: 'Shipping (发货) and delivery over the window and scope of its Metrics.',
  // Reached only through Metrics, which already needs READ; said again so the type fails closed on its own.
  authScopes: { read: true },
  fields: (t) => ({
    shippedOrders: t.int({
      description: "Orders whose (earliest) shipment falls in the window, each once; counted when the shipment arrives, even before its payment's event.",
      resolve: async (m) => (await m.totals()).all.ordersShipped,
    }),
    deliveredOrders: t.int({
      description: 'Orders whose (earliest) delivery falls in the window, each once.',
      resolve: async (m) => (await m.totals()).all.ordersDelivered,
    }),
    averagePaidToShippedSeconds: t.float({
      nullable: true,
      description:
        'Mean seconds from payment to shipment over the orders shipped in the window whose payment is known; null when there are none. A shipment stamped before its payment counts as 0 s.',
      resolve: async (m) => averagePaidToShippedSeconds((await m.totals()).all),
    }),
    unshippedOverdue: t.int({
      description:
        "Paid orders not shipped (status PAID, no shipment) whose payment was more than their shop's UNSHIPPED_OVERDUE threshold in hours (alertRules; 24 unless set for the shop, a campaign under way over it or the installation) before the window's end — or before now while the window is open. The orders the UNSHIPPED_OVERDUE alert counts at that moment, whether or not the rule is enabled. A count of the orders as they stand now, in the same scope (shops, channels, sources, campaign), whatever window start.",
      resolve: (m) => m.unshippedOverdue(),
    }),
  }),
});

builder.objectField(MetricsRef, 'fulfilment', (t) =>
  t.field({ type: FulfilmentRef, description: 'Shipped and delivered orders, paid-to-shipped time and overdue shipments.', resolve: (m) => m }),
);
