import { date, pgTable, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { fen, id, timestamps } from '../../db/columns.js';
import { trafficSourceEnum } from '../../db/enums.js';
import { shops } from '../shop/shop.table.js';

/** Marketing spend per shop, traffic source (直通车, 内容投放 …) and Asia/Shanghai day; ROI = attributed GMV / spend. */
export const marketingSpend = pgTable(
  'marketing_spend',
  {
    id: id(),
    shopId: uuid()
      .notNull()
      .references(() => shops.id),
    date: date({ mode: 'string' }).notNull(),
    source: trafficSourceEnum().notNull(),
    spendFen: fen().notNull(),
    ...timestamps(),
  },
  (t) => [uniqueIndex('marketing_spend_shop_date_source_key').on(t.shopId, t.date, t.source)],
);

export type MarketingSpendRow = typeof marketingSpend.$inferSelect;
