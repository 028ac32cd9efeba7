import { and, count, eq, inArray, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { shopVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import { CHANNELS } from '../../db/enums.js';
import { paginate, type ConnectionArgs } from '../../db/paginate.js';
import { DomainError, notFound } from '../../errors.js';
import { parseInput, text } from '../../lib/validate.js';
import { shops, type ShopRow } from './shop.table.js';

export async function loadShops(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<ShopRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(shops)
    .where(and(inArray(shops.id, [...ids]), shopVisible(viewer, shops.id)));
}

export function listShops(db: DbOrTx, viewer: Viewer, args: ConnectionArgs) {
  const where = shopVisible(viewer, shops.id);
  return paginate<ShopRow>(
    args,
    { column: shops.createdAt, type: 'timestamptz', direction: 'asc', value: (s) => s.createdAt, idColumn: shops.id, id: (s) => s.id },
    ({ bounds, orderBy, limit }) =>
      db.select().from(shops).where(and(where, bounds)).orderBy(...orderBy).limit(limit),
    async () => (await db.select({ n: count() }).from(shops).where(where))[0]?.n ?? 0,
  );
}

/**
 * Checks that every shop exists and is visible; used by modules whose objects span shops
 * (campaigns, plans). Reports the first bad id at its input path.
 */
export async function assertShopsVisible(db: DbOrTx, viewer: Viewer, ids: readonly string[], field: string[]) {
  const unique = [...new Set(ids)];
  const found = new Set((await loadShops(db, viewer, unique)).map((s) => s.id));
  const missingIndex = ids.findIndex((id) => !found.has(id));
  if (missingIndex >= 0) throw notFound('Shop', [...field, String(missingIndex)]);
}

export async function requireShop(db: DbOrTx, viewer: Viewer, id: string, field: string[]): Promise<ShopRow> {
  const [shop] = await loadShops(db, viewer, [id]);
  if (!shop) throw notFound('Shop', field);
  return shop;
}

const CreateShopInput = z.object({
  name: text(100),
  platform: z.enum(CHANNELS),
  platformShopId: z.string().trim().min(1).max(100).nullish(),
});

export async function createShop(db: DbOrTx, viewer: Viewer, input: unknown): Promise<ShopRow> {
  // A caller limited to some shops cannot mint new ones and so widen their own scope.
  if (viewer.shops !== 'ALL') throw new DomainError('FORBIDDEN', { en: 'Only callers over every shop can create shops', zh: '只有覆盖全部店铺的调用方才能创建店铺' });
  const data = parseInput(CreateShopInput, input);
  const platformShopId = data.platformShopId ?? null;
  await assertPlatformIdFree(db, data.platform, platformShopId, null);
  try {
    const [row] = await db.insert(shops).values({ name: data.name, platform: data.platform, platformShopId }).returning();
    return row!;
  } catch (error) {
    // Lost a race with a concurrent createShop: report it as the check above would have.
    if (isUniqueViolation(error, 'shops_platform_shop_id_key')) await assertPlatformIdFree(db, data.platform, platformShopId, null);
    throw error;
  }
}

const UpdateShopInput = z.object({
  id: z.string(),
  name: text(100).optional(),
  platformShopId: z.string().trim().min(1).max(100).nullish(),
  active: z.boolean().nullish(),
});

export async function updateShop(db: DbOrTx, viewer: Viewer, input: unknown, now: Date): Promise<ShopRow> {
  const data = parseInput(UpdateShopInput, input);
  const shop = await requireShop(db, viewer, data.id, ['input', 'id']);
  if (data.platformShopId !== undefined) {
    await assertPlatformIdFree(db, shop.platform, data.platformShopId, shop.id);
  }
  try {
    const [row] = await db
      .update(shops)
      .set({
        ...(data.name !== undefined && { name: data.name }),
        ...(data.platformShopId !== undefined && { platformShopId: data.platformShopId }),
        ...(data.active != null && { active: data.active }),
        updatedAt: now,
      })
      .where(eq(shops.id, shop.id))
      .returning();
    return row!;
  } catch (error) {
    if (isUniqueViolation(error, 'shops_platform_shop_id_key')) {
      await assertPlatformIdFree(db, shop.platform, data.platformShopId ?? null, shop.id);
    }
    throw error;
  }
}

async function assertPlatformIdFree(db: DbOrTx, platform: ShopRow['platform'], platformShopId: string | null, self: string | null) {
  if (platformShopId === null) return;
  const conditions: SQL[] = [eq(shops.platform, platform), eq(shops.platformShopId, platformShopId)];
  const [clash] = await db.select({ id: shops.id }).from(shops).where(and(...conditions));
  if (clash && clash.id !== self) {
    throw new DomainError(
      'CONFLICT',
      { en: `A ${platform} shop with platform id ${platformShopId} already exists`, zh: `平台店铺 ID 为 ${platformShopId} 的 ${platform} 店铺已存在` },
      ['input', 'platformShopId'],
    );
  }
}
