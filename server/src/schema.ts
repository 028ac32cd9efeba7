import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './modules/shop/shop.schema.js';
import './modules/product/product.schema.js';
import './modules/product/turnover.schema.js';
import './modules/product/launch.schema.js';
import './modules/campaign/campaign.schema.js';
import './modules/campaign/milestone.schema.js';
import './modules/plan/plan.schema.js';
import './modules/customer/customer.schema.js';
import './modules/report/report.schema.js';
import './modules/report/report.period.schema.js';
import './modules/order/order.schema.js';
import './modules/metrics/metrics.schema.js';
import './modules/customer/buyer-mix.schema.js';
import './modules/metrics/fulfilment.schema.js';
import './modules/metrics/campaign-progress.schema.js';
import './modules/metrics/live-metrics.schema.js';
import './modules/metrics/live-campaign-progress.schema.js';
import './modules/ingest/ingest.schema.js';
import './modules/marketing/marketing.schema.js';
import './modules/alert/alert.schema.js';
import './modules/alert/alert-rule.schema.js';
import './modules/user/user.schema.js';
import './modules/user/viewer.schema.js';
import './modules/api-key/api-key.schema.js';
import './modules/audit/audit.schema.js';
import './modules/webhook/webhook.schema.js';
import './modules/retrospective/retrospective.schema.js';

export const schema = builder.toSchema();

/** The SDL as committed in schema/schema.graphql: sorted, so diffs show real changes only. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
