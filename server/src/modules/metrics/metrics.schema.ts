import { builder } from '../../builder.js';
import type { Channel, TrafficSource } from '../../db/enums.js';
import { ChannelEnum, TrafficSourceEnum } from '../../graphql/enums.js';
import { fenToYuan } from '../../lib/money.js';
import { PAGE_SIZES_EXTENSION } from '../../lib/page-size.js';
import { CampaignRef } from '../campaign/campaign.schema.js';
import { ProductRef, SkuRef } from '../product/product.schema.js';
import { ShopRef } from '../shop/shop.schema.js';
import {
  addToCartRate,
  averageOrderValueFen,
  conversionRate,
  funnel,
  FUNNEL_STEPS,
  netGmvFen,
  rate,
  refundRate,
  roi,
  type Figures,
  type FunnelStep,
} from './metrics.formulas.js';
import {
  MAX_SERIES_POINTS,
  MAX_TOP_PRODUCTS,
  openMetrics,
  SERIES_LAST,
  TOP_PRODUCTS_LIMIT,
  type MetricsView,
  type SeriesPoint,
  type SkuFigures,
} from './metrics.service.js';
import type { Attributed } from './metrics.totals.js';
import type { Granularity } from './metrics.table.js';
import { minuteRollupsKeptFrom } from '../history/history.retention.js';
import { EXACT_BUYERS_MAX_ORDERS } from './exact-buyers.js';

/** Said on every distinct count and on the rates built from them (see lib/hll.ts). */
const HLL_BOUND =
  'standard error 1.6%, so within ±4.9% of the true count at 99.7% confidence; small counts (below about 10,000) use linear counting, closer but not exact (two of four items may share one of the 4,096 registers and read as three).';
const HLL_ERROR = `Estimated from HyperLogLog sketches merged over the window and scope: ${HLL_BOUND}`;
const EXACT_BUYERS = `Exact, counted from the paid orders, whenever the window and scope have at most ${EXACT_BUYERS_MAX_ORDERS.toLocaleString('en-US')} of them (per channel and per source as well); past that, estimated from HyperLogLog sketches: ${HLL_BOUND}`;

const DEFINITION = {
  gmv: 'GMV (商品交易总额) in yuan: sum of paid order amounts in the window, refunds not deducted.',
  netGmv: 'Net GMV in yuan: GMV minus amounts refunded in the window.',
  orders: 'Paid orders in the window.',
  ordersPlaced: 'Orders placed (下单) in the window, paid or not.',
  buyers: `Distinct customers with a paid order in the window. ${EXACT_BUYERS}`,
  visitors: `Distinct visitors (UV) who visited, viewed a product or added to cart in the window. ${HLL_ERROR}`,
  visits: 'Visits (sessions landing on the shop) in the window.',
  pageViews: 'Page views (PV): visit landings plus product views.',
  addToCarts: 'Add-to-cart events (加购) in the window.',
  unitsSold: 'Units in paid orders.',
  refundedOrders: 'Orders whose first refund falls in the window (whenever they were paid).',
  refundedAmount: 'Amount refunded in the window, in yuan.',
  conversionRate: `Conversion rate (转化率) = buyers / visitors, in [0, 1]; 0 without visitors. Visitors are a HyperLogLog estimate (${HLL_BOUND}); buyers as \`buyers\` says.`,
  averageOrderValue: '客单价 = GMV / buyers in yuan, rounded half-up to the fen; 0 without buyers.',
  refundRate: 'Refund rate (退款率) = refunded orders / orders, in [0, 1]; 0 without orders. Capped at 1 because refunds in the window may belong to orders paid before it.',
  spend: 'Marketing spend (recordMarketingSpend) in yuan, counted at its spentAt; 0.00 without spend.',
  roi: 'ROI = GMV / spend (DOMAIN.md: attributed GMV / marketing spend), exact from integer fen; null without spend. ROI < 1 means pause the channel: it costs more than it sells.',
  attributedGmv:
    'GMV of the channel × source lines with marketing spend in the window, in yuan: what the spend is credited with (a platform\'s organic search sales are not its ads\'). Equals `gmv` when every line of this breakdown had spend; 0.00 without spend.',
  attributedRoi:
    'ROI of the spend = attributedGmv / spend (DOMAIN.md: attributed GMV / marketing spend), exact from integer fen; null without spend. Under 1 the spend sells less than it costs: pause or cut it. `roi` divides all of the breakdown\'s GMV (全站 ROI), which organic sales lift.',
  addToCartRate: `Add-to-cart rate (加购率) = visitors who added to cart / visitors, in [0, 1]; 0 without visitors. Both counts are HyperLogLog estimates: ${HLL_BOUND}`,
};

const IntervalEnum = builder.enumType('Interval', {
  description: 'Bucket size of a series. Day and hour boundaries are in Asia/Shanghai.',
  values: {
    MINUTE: { value: 'MINUTE', description: 'One point per minute.' },
    HOUR: { value: 'HOUR', description: 'One point per hour.' },
    DAY: { value: 'DAY', description: 'One point per Asia/Shanghai calendar day (midnight to midnight, UTC+8).' },
  } as const satisfies Record<Granularity, { value: Granularity; description: string }>,
});

const FunnelStepNameEnum = builder.enumType('FunnelStepName', {
  description: 'visit → product view → add to cart (加购) → order placed (下单) → paid (支付).',
  values: FUNNEL_STEPS,
});

export const MetricScopeInput = builder.inputType('MetricScope', {
  description:
    'What to aggregate. Conditions combine with AND; an omitted or empty list means no restriction. Always limited to the shops the caller may see.',
  fields: (t) => ({
    shopIds: t.globalIDList({ for: ShopRef, description: 'Only these shops.' }),
    campaignId: t.globalID({
      for: CampaignRef,
      description: 'Only traffic and orders attributed to this campaign. A campaign the caller cannot see is NOT_FOUND.',
    }),
    channels: t.field({ type: [ChannelEnum], description: 'Only these platforms.' }),
    sources: t.field({ type: [TrafficSourceEnum], description: 'Only these traffic sources.' }),
  }),
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type Fields<P> = PothosSchemaTypes.ObjectFieldBuilder<Types, P>;
type Source<P> = (parent: P) => Figures | Promise<Figures>;

/** Field makers that read one figure of the parent's Figures. */
function figureFields<P>(t: Fields<P>, figures: Source<P>) {
  return {
    money: (description: string, fen: (f: Figures) => number) =>
      t.field({ type: 'Decimal', description, resolve: async (p) => fenToYuan(fen(await figures(p))) }),
    int: (description: string, value: (f: Figures) => number) =>
      t.int({ description, resolve: async (p) => value(await figures(p)) }),
    float: (description: string, value: (f: Figures) => number) =>
      t.float({ description, resolve: async (p) => value(await figures(p)) }),
    nullableFloat: (description: string, value: (f: Figures) => number | null) =>
      t.float({ description, nullable: true, resolve: async (p) => value(await figures(p)) }),
  };
}

/** The figures Metrics, ChannelMetrics and SourceMetrics share, with the definitions of DOMAIN.md. */
function headlineFields<P>({ money, int, float, nullableFloat }: ReturnType<typeof figureFields<P>>) {
  return {
    gmv: money(DEFINITION.gmv, (f) => f.gmvFen),
    orders: int(DEFINITION.orders, (f) => f.ordersPaid),
    buyers: int(DEFINITION.buyers, (f) => f.buyers),
    visitors: int(DEFINITION.visitors, (f) => f.visitors),
    conversionRate: float(DEFINITION.conversionRate, conversionRate),
    averageOrderValue: money(DEFINITION.averageOrderValue, (f) => averageOrderValueFen(f.gmvFen, f.buyers)),
    refundRate: float(DEFINITION.refundRate, refundRate),
    spend: money(DEFINITION.spend, (f) => f.spendFen),
    roi: nullableFloat(DEFINITION.roi, roi),
  };
}

const breakdownFields = <P extends Figures & Attributed>(t: Fields<P>) => ({
  ...headlineFields(figureFields(t, (p) => p)),
  attributedGmv: t.field({ type: 'Decimal', description: DEFINITION.attributedGmv, resolve: (p) => fenToYuan(p.attributedGmvFen) }),
  attributedRoi: t.float({ description: DEFINITION.attributedRoi, nullable: true, resolve: (p) => roi({ gmvFen: p.attributedGmvFen, spendFen: p.spendFen }) }),
});

const ChannelMetricsRef = builder.objectRef<Figures & Attributed & { channel: Channel }>('ChannelMetrics').implement({
  description: 'The figures of one channel (platform) in the window; distinct counts are per channel, so they do not add up to the total.',
  fields: (t) => ({ channel: t.expose('channel', { type: ChannelEnum }), ...breakdownFields(t) }),
});

const SourceMetricsRef = builder.objectRef<Figures & Attributed & { source: TrafficSource }>('SourceMetrics').implement({
  description: 'The figures of one traffic source in the window; distinct counts are per source, so they do not add up to the total.',
  fields: (t) => ({ source: t.expose('source', { type: TrafficSourceEnum }), ...breakdownFields(t) }),
});

const MetricPointRef = builder.objectRef<SeriesPoint>('MetricPoint').implement({
  description:
    'The additive figures of one interval of a series. Distinct counts (visitors, buyers) and rates built on them are not given per point: they do not add across points; ask Metrics over a window instead.',
  fields: (t) => ({
    at: t.expose('at', {
      type: 'DateTime',
      description: "Start of the point's interval (Asia/Shanghai day or hour boundary), or the window's start for a partial first point.",
    }),
    gmv: t.field({ type: 'Decimal', description: DEFINITION.gmv, resolve: (p) => fenToYuan(p.gmvFen) }),
    netGmv: t.field({ type: 'Decimal', description: DEFINITION.netGmv, resolve: (p) => fenToYuan(netGmvFen(p)) }),
    orders: t.exposeInt('ordersPaid', { description: DEFINITION.orders }),
    ordersPlaced: t.exposeInt('ordersPlaced', { description: DEFINITION.ordersPlaced }),
    visits: t.exposeInt('visits', { description: DEFINITION.visits }),
    pageViews: t.exposeInt('pageViews', { description: DEFINITION.pageViews }),
    addToCarts: t.exposeInt('addToCarts', { description: DEFINITION.addToCarts }),
    refundedOrders: t.exposeInt('refundedOrders', { description: DEFINITION.refundedOrders }),
    refundedAmount: t.field({ type: 'Decimal', description: DEFINITION.refundedAmount, resolve: (p) => fenToYuan(p.refundedFen) }),
    unitsSold: t.exposeInt('unitsSold', { description: DEFINITION.unitsSold }),
    spend: t.field({ type: 'Decimal', description: DEFINITION.spend, resolve: (p) => fenToYuan(p.spendFen) }),
    roi: t.float({ description: DEFINITION.roi, nullable: true, resolve: (p) => roi(p) }),
  }),
});

const ProductMetricsRef = builder.objectRef<SkuFigures & { share: number }>('ProductMetrics').implement({
  description: 'A SKU among the best sellers of the window, by GMV of its order lines (quantity × unit price).',
  fields: (t) => ({
    // The row read with the figures when there is one (loadTopSkus), else the id for the SKU loader.
    sku: t.field({ type: SkuRef, resolve: (p) => p.sku ?? p.skuId }),
    product: t.field({
      type: ProductRef,
      resolve: async (p, _args, ctx) => (p.sku ?? (await SkuRef.getDataloader(ctx).load(p.skuId))).productId,
    }),
    gmv: t.field({
      type: 'Decimal',
      description: "GMV of this SKU's lines in paid orders, in yuan (before order-level discounts).",
      resolve: (p) => fenToYuan(p.gmvFen),
    }),
    unitsSold: t.exposeInt('unitsSold', { description: DEFINITION.unitsSold }),
    orders: t.exposeInt('ordersPaid', { description: 'Paid orders containing this SKU.' }),
    share: t.exposeFloat('share', {
      description: "This SKU's GMV / the window's GMV, in [0, 1] (capped: line totals can exceed discounted order amounts).",
    }),
  }),
});

const FunnelStepRef = builder.objectRef<FunnelStep>('FunnelStep').implement({
  fields: (t) => ({
    name: t.expose('name', { type: FunnelStepNameEnum }),
    count: t.exposeInt('count', {
      description:
        'VISIT: distinct visitors (HyperLogLog estimate); PRODUCT_VIEW: product views (page views minus visit landings); ADD_TO_CART: distinct visitors who added to cart (estimate); ORDER_PLACED: orders placed; ORDER_PAID: paid orders.',
    }),
    rateFromPrevious: t.exposeFloat('rateFromPrevious', {
      description:
        'count / the previous step’s count, in [0, 1]; 0 for the first step or when the previous count is 0. Capped at 1, and the cap is then not a rate: a visitor views several products; orders bought at once (立即购买) never pass the cart, and just after midnight orders come from yesterday’s carts, so ORDER_PLACED can outnumber ADD_TO_CART; orders placed yesterday and paid today can make ORDER_PAID outnumber ORDER_PLACED. `shareOfPrevious` is null in those cases instead.',
    }),
    shareOfPrevious: t.exposeFloat('shareOfPrevious', {
      nullable: true,
      description:
        'count / the previous step’s count while this step is a part of the one before (count ≤ previous count), in [0, 1]; null for the first step, when the previous count is 0, or when this step outnumbers the one before (see `rateFromPrevious`), where no rate between them would be true. Note the units: PRODUCT_VIEW counts views and ORDER_PLACED orders, against people in the step before.',
    }),
    rateFromFirst: t.exposeFloat('rateFromFirst', {
      description: 'count / the VISIT count, in [0, 1]; 0 when there are no visitors. Capped at 1.',
    }),
  }),
});

const FunnelRef = builder.objectRef<FunnelStep[]>('Funnel').implement({
  description: 'visit → product view → add to cart → order placed → paid, over the window and scope.',
  fields: (t) => ({ steps: t.field({ type: [FunnelStepRef], resolve: (steps) => steps }) }),
});

const all = async (m: MetricsView) => (await m.totals()).all;

export const MetricsRef = builder.objectRef<MetricsView>('Metrics').implement({
  description:
    'Aggregates over a window and scope, read from minute/hour/day rollups. The window counts whole minutes: a minute belongs to it when it starts inside [from, to). Rates follow DOMAIN.md and lie in [0, 1].',
  // Figures need READ however they are reached: Campaign.metrics in a mutation's answer runs under the
  // Mutation type's MANAGE alone. The types below Metrics are reached only through it and stay unscoped,
  // so a series of 2000 points does not pay a check per field.
  authScopes: { read: true },
  fields: (t) => {
    const figure = figureFields(t, all);
    return {
      from: t.field({
        type: 'DateTime',
        description:
          'Start of the first minute counted. Later than asked when the first minutes are older than the minute rollups kept (RETENTION_MINUTE_ROLLUPS_DAYS): the window then starts at its first whole hour.',
        resolve: (m) => m.window.from,
      }),
      to: t.field({
        type: 'DateTime',
        description:
          'End of the last minute counted (exclusive). Earlier than asked when the last minutes are older than the minute rollups kept: the window then ends at its last whole hour.',
        resolve: (m) => m.window.to,
      }),
      ...headlineFields(figure),
      netGmv: figure.money(DEFINITION.netGmv, netGmvFen),
      ordersPlaced: figure.int(DEFINITION.ordersPlaced, (f) => f.ordersPlaced),
      visits: figure.int(DEFINITION.visits, (f) => f.visits),
      pageViews: figure.int(DEFINITION.pageViews, (f) => f.pageViews),
      addToCarts: figure.int(DEFINITION.addToCarts, (f) => f.addToCarts),
      unitsSold: figure.int(DEFINITION.unitsSold, (f) => f.unitsSold),
      refundedOrders: figure.int(DEFINITION.refundedOrders, (f) => f.refundedOrders),
      refundedAmount: figure.money(DEFINITION.refundedAmount, (f) => f.refundedFen),
      addToCartRate: figure.float(DEFINITION.addToCartRate, addToCartRate),
      series: t.field({
        type: [MetricPointRef],
        description: `One point per interval of the window, zeros included, so a line is continuous. At most ${MAX_SERIES_POINTS} points; more is BAD_USER_INPUT (use a coarser interval). Points carry additive figures only: distinct counts do not add across points.`,
        args: {
          interval: t.arg({ type: IntervalEnum, required: true }),
          last: t.arg.int({
            description: `Only the latest N points (1 to ${MAX_SERIES_POINTS}) up to the current one — the point containing now, the window's last once it has ended, its first before it starts. A screen that already holds the line refreshes its tail with it instead of receiving the whole window on every update.`,
          }),
        },
        extensions: { [PAGE_SIZES_EXTENSION]: [SERIES_LAST] },
        resolve: (m, { interval, last }) => (last == null ? m.series(interval) : m.seriesTail(interval, last)),
      }),
      byChannel: t.field({
        type: [ChannelMetricsRef],
        description: 'Channels with activity in the window, highest GMV first.',
        resolve: async (m) => (await m.totals()).byChannel,
      }),
      bySource: t.field({
        type: [SourceMetricsRef],
        description: 'Traffic sources with activity in the window, highest GMV first.',
        resolve: async (m) => (await m.totals()).bySource,
      }),
      topProducts: t.field({
        type: [ProductMetricsRef],
        description: `Best-selling SKUs by GMV (ties by id), at most ${MAX_TOP_PRODUCTS}.`,
        args: { limit: t.arg.int({ defaultValue: 10, description: `1 to ${MAX_TOP_PRODUCTS}.` }) },
        extensions: { [PAGE_SIZES_EXTENSION]: [TOP_PRODUCTS_LIMIT] },
        resolve: async (m, { limit }) => {
          const [skus, totals] = await Promise.all([m.topSkus(limit ?? 10), m.totals()]);
          return skus.map((sku) => ({ ...sku, share: rate(sku.gmvFen, totals.all.gmvFen) }));
        },
      }),
      funnel: t.field({ type: FunnelRef, resolve: async (m) => funnel(await all(m)) }),
      sellThrough: t.float({
        nullable: true,
        description:
          'Sell-through (动销率) = SKUs with a sale in the window / SKUs on sale, in [0, 1]: both counted among the SKUs on sale now in the scope’s shops. Null when none is on sale. A slow assortment is ≤ 5 % (DOMAIN.md).',
        resolve: async (m) => (await m.sellThrough()).rate,
      }),
      skusOnSale: t.int({ description: 'SKUs on sale now in the scope’s shops: sell-through’s denominator.', resolve: async (m) => (await m.sellThrough()).skusOnSale }),
      skusSold: t.int({ description: 'Of those, SKUs with units sold in the window and scope: sell-through’s numerator.', resolve: async (m) => (await m.sellThrough()).skusSold }),
    };
  },
});

builder.queryField('metrics', (t) =>
  t.field({
    type: MetricsRef,
    description: 'Aggregates over [from, to) and a scope; all rates follow the metric table in DOMAIN.md. from must be before to.',
    args: {
      scope: t.arg({ type: MetricScopeInput, required: true }),
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
    },
    resolve: (_root, { scope, from, to }, ctx) => {
      const now = ctx.now();
      return openMetrics(
        ctx.readDb,
        ctx.viewer,
        {
          shopIds: scope.shopIds?.map((id) => id.id),
          campaignId: scope.campaignId?.id,
          channels: scope.channels,
          sources: scope.sources,
        },
        from,
        to,
        now,
        minuteRollupsKeptFrom(now, ctx.retention),
      );
    },
  }),
);
