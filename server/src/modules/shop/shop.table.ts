import { boolean, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { id, timestamps } from '../../db/columns.js';
import { channelEnum } from '../../db/enums.js';

export const shops = pgTable(
  'shops',
  {
    id: id(),
    name: text().notNull(),
    platform: channelEnum().notNull(),
    /** The store's id on its platform (e.g. a Tmall seller id); optional for own sites. */
    platformShopId: text(),
    active: boolean().notNull().default(true),
    ...timestamps(),
  },
  (t) => [uniqueIndex('shops_platform_shop_id_key').on(t.platform, t.platformShopId)],
);

export type ShopRow = typeof shops.$inferSelect;
