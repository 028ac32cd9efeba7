// The one barrel drizzle-kit and the drizzle client read; every module's tables are listed here.
export * from './enums.js';
export * from '../modules/shop/shop.table.js';
export * from '../modules/product/product.table.js';
export * from '../modules/customer/customer.table.js';
export * from '../modules/order/order.table.js';
export * from '../modules/event/event.table.js';
export * from '../modules/campaign/campaign.table.js';
export * from '../modules/campaign/retrospective.table.js';
export * from '../modules/plan/plan.table.js';
export * from '../modules/report/report.table.js';
export * from '../modules/marketing/marketing.table.js';
export * from '../modules/alert/alert.table.js';
export * from '../modules/webhook/webhook.table.js';
export * from '../modules/metrics/metrics.table.js';
export * from '../modules/user/user.table.js';
export * from '../modules/api-key/api-key.table.js';
export * from '../modules/audit/audit.table.js';
