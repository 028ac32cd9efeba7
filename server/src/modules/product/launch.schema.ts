import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { judgeLaunch, launchCounts, NEW_PRODUCT_DAYS, NEW_PRODUCT_VERDICTS, PROMOTE_CONVERSION, type Launch, type LaunchCounts } from './launch.js';
import { ProductRef } from './product.schema.js';

const percent = `${PROMOTE_CONVERSION * 100} %`;

const NewProductVerdictEnum = builder.enumType('NewProductVerdict', {
  description: `新品 (the manuals' new-product rule): PROMOTE (推广) at a ${NEW_PRODUCT_DAYS}-day conversion of at least ${percent}, else DELIST_CANDIDATE (下架候选).`,
  values: NEW_PRODUCT_VERDICTS,
});

const ProductLaunchRef = builder.objectRef<Launch>('ProductLaunch').implement({
  description: `A product's first ${NEW_PRODUCT_DAYS} days after its creation (its trial as a new product) and the new-product rule's verdict on them. Counts start when the trial does and stop when it ends, whenever the events arrive.`,
  // Figures need READ however they are reached: a product in createProduct's or updateProduct's answer runs
  // under the Mutation type's MANAGE alone (as Metrics).
  authScopes: { read: true },
  fields: (t) => ({
    startedAt: t.field({ type: 'DateTime', description: 'The product\'s creation.', resolve: (l) => l.startedAt }),
    endsAt: t.field({ type: 'DateTime', description: `startedAt + ${NEW_PRODUCT_DAYS} × 24 hours.`, resolve: (l) => l.endsAt }),
    complete: t.exposeBoolean('complete', { description: 'The trial is over: the verdict no longer changes unless late events arrive.' }),
    productViews: t.exposeInt('productViews', { description: 'PRODUCT_VIEW events naming one of its SKUs in the trial.' }),
    addToCarts: t.exposeInt('addToCarts', { description: 'ADD_TO_CART events naming one of its SKUs in the trial.' }),
    visitors: t.exposeInt('visitors', {
      description: 'Distinct visitors who viewed it or added it to cart in the trial: a HyperLogLog estimate (standard error 1.6%, within ±4.9% at 99.7%; small counts near-exact), as Metrics.visitors.',
    }),
    buyers: t.exposeInt('buyers', {
      description: 'Distinct customers who paid for one of its SKUs in the trial (refunds not deducted), counted exactly. A trial whose buyers were already being counted before this count was exact (an upgrade during it) keeps an estimate, as visitors are.',
    }),
    conversionRate: t.float({
      nullable: true,
      description: 'buyers / visitors, in [0, 1]: visitors are an estimate, so a conversion within a few tenths of a point of 3 % may fall either side. Null when no visitor was recorded (views sent without the SKU viewed cannot be counted for a product).',
      resolve: (l) => l.conversionRate,
    }),
    addToCartRate: t.float({ nullable: true, description: 'Visitors who added it to cart / visitors. Null without visitors.', resolve: (l) => l.addToCartRate }),
    verdict: t.field({
      type: NewProductVerdictEnum,
      nullable: true,
      description: `The rule's verdict once the trial is complete; null while it runs or when conversionRate is null.`,
      resolve: (l) => l.verdict,
    }),
  }),
});

/** A page of products reads every product's trial in two statements. */
const launchLoader = createContextCache((ctx: Context) => new DataLoader<string, LaunchCounts>((ids) => launchCounts(ctx.db, ctx.viewer, ids)));

builder.objectField(ProductRef, 'launch', (t) =>
  t.field({
    type: ProductLaunchRef,
    description: `新品: the product's first ${NEW_PRODUCT_DAYS} days and the new-product rule's verdict (PROMOTE at a conversion of at least ${percent}). Older products keep theirs; the slow-mover rule (slowMoving) judges them from their 30th day on sale.`,
    resolve: async (p, _args, ctx) => judgeLaunch(p.createdAt, await launchLoader(ctx).load(p.id), ctx.now()),
  }),
);
