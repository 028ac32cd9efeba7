import { z } from 'zod';
import type { UserErrorShape } from '../../errors.js';
import { allocateByRoundedPrefix } from '../../lib/allocate.js';
import { fenToYuan, fenToYuanGrouped } from '../../lib/money.js';
import { moneyInput } from '../../lib/validate.js';

/** 目标拆解 as given: each shop's part of the GMV target. Null or an empty list: no split. */
export const ShopTargetsInput = z
  .array(z.object({ shopId: z.string(), gmvTarget: moneyInput }))
  .nullish()
  .transform((targets) => (targets == null ? targets : targets.length === 0 ? null : targets));

export type ShopTargets = NonNullable<z.output<typeof ShopTargetsInput>>;

/** The split as stored: fen by shop id. */
export const storedSplit = (targets: ShopTargets): Record<string, number> => Object.fromEntries(targets.map((t) => [t.shopId, t.gmvTarget]));

const FIELD = ['input', 'shopTargets'];

/**
 * A split must name every shop of the campaign once and nothing else, and add up exactly to the target, so
 * that the shops' achievement rates are parts of the campaign's and a shop's figures are judged by what it
 * was asked for. `stale`: the split was kept from before while the shops or the target changed.
 */
export function splitProblems(
  split: Record<string, number>,
  shopIds: readonly string[],
  targetFen: number,
  stale = false,
): UserErrorShape[] {
  const named = Object.keys(split);
  const shops = new Set(shopIds);
  const missing = [...shops].filter((id) => !(id in split));
  const foreign = named.filter((id) => !shops.has(id));
  const sum = named.reduce((total, id) => total + (split[id] ?? 0), 0);
  const problems: UserErrorShape[] = [];
  const again = stale
    ? { en: ': the campaign’s shops or target changed, so give each shop’s target again (shopTargets), or null to remove the split', zh: '：活动的店铺或目标已改，请重新给出各店目标（shopTargets），或传 null 取消拆解' }
    : { en: '', zh: '' };
  if (missing.length > 0 || foreign.length > 0) {
    problems.push({
      field: FIELD,
      message: `the split names each shop of the campaign exactly once (${missing.length} missing, ${foreign.length} not in the campaign)${again.en}`,
      messageZh: `目标拆解须且只须包含活动的每个店铺各一次（缺 ${missing.length} 个，多 ${foreign.length} 个不在活动中）${again.zh}`,
      code: 'INVALID_INPUT',
    });
  }
  const zero = named.filter((id) => !((split[id] ?? 0) > 0)).length;
  if (zero > 0) {
    // A part of nothing cannot be judged: its 达成率 would read 0 % beside a GMV over its target.
    problems.push({
      field: FIELD,
      message: `each shop’s part must be above zero (${zero} is not): a shop taking part with no target of its own is judged by nothing`,
      messageZh: `各店目标都须大于 0（有 ${zero} 个不是）：没有目标的店铺部分无从评判`,
      code: 'INVALID_AMOUNT',
    });
  }
  if (sum !== targetFen) {
    problems.push({
      field: FIELD,
      message: `the shops’ targets add up to ¥${fenToYuanGrouped(sum)}, the campaign’s target is ¥${fenToYuanGrouped(targetFen)}: they must be equal${again.en}`,
      messageZh: `各店目标合计 ¥${fenToYuanGrouped(sum)}，活动目标为 ¥${fenToYuanGrouped(targetFen)}，两者必须相等${again.zh}`,
      code: 'INVALID_AMOUNT',
    });
  }
  return problems;
}

/** A list naming one shop twice, which a map would silently fold into one. */
export function repeatedShopProblems(targets: ShopTargets): UserErrorShape[] {
  const seen = new Set<string>();
  const repeated = targets.findIndex((t) => (seen.has(t.shopId) ? true : (seen.add(t.shopId), false)));
  return repeated < 0
    ? []
    : [{ field: [...FIELD, String(repeated), 'shopId'], message: 'this shop already has a target in the split', messageZh: '该店铺在拆解中已有目标', code: 'INVALID_INPUT' }];
}

const SplitOfCreate = z.object({ shopIds: z.array(z.string()), gmvTarget: moneyInput, shopTargets: ShopTargetsInput });

/** The split of a create, read on its own so its problems are told beside the other fields'. */
export function createSplitProblems(raw: unknown): UserErrorShape[] {
  const parsed = SplitOfCreate.safeParse(raw);
  if (!parsed.success || !parsed.data.shopTargets) return [];
  const { shopIds, gmvTarget, shopTargets } = parsed.data;
  const repeated = repeatedShopProblems(shopTargets);
  return repeated.length > 0 ? repeated : splitProblems(storedSplit(shopTargets), shopIds, gmvTarget);
}

/**
 * A split carried to a new target in the same proportions, exactly adding up to it (a campaign carried a day
 * further, a 返场 opened from an ended one): each shop keeps its share of the whole.
 */
export function scaledSplit(split: Record<string, number>, targetFen: number): Record<string, number> {
  const shopIds = Object.keys(split);
  const parts = allocateByRoundedPrefix(targetFen, shopIds.map((id) => split[id] ?? 0));
  return Object.fromEntries(shopIds.map((id, i) => [id, parts[i]!]));
}

/** A stored split as updateCampaign and createCampaign take it. */
export const splitAsInput = (split: Record<string, number>) => Object.entries(split).map(([shopId, fen]) => ({ shopId, gmvTarget: fenToYuan(fen) }));
