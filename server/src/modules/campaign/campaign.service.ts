import { and, count, eq, gt, gte, isNotNull, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { SYSTEM, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { paginate, type ConnectionArgs } from '../../db/paginate.js';
import { DomainError, forbidden, InputErrors, notFound, type UserErrorShape } from '../../errors.js';
import { said } from '../../lib/issue-words.js';
import { moneyInput, optionalText, parseInput, text } from '../../lib/validate.js';
import { DAY_MS, MAX_SPAN_DAYS, shanghaiDateTime } from '../../lib/time.js';
import { assertShopsVisible } from '../shop/shop.service.js';
import { BASIS_POINTS, campaigns, type CampaignRow } from './campaign.table.js';
import { campaignPartFor, campaignSeenBy, seesWholeCampaign } from './campaign.part.js';
import { createOnce, requestIdInput } from '../../db/create-once.js';
import { rows } from '../../db/rows.js';
// Only to see whether anything is attributed to a campaign before removing it (deleteCampaign).
import { alerts, marketingSpend, metricRollups, orders } from '../../db/tables.js';
import { createSplitProblems, repeatedShopProblems, ShopTargetsInput, splitProblems, storedSplit } from './campaign.split.js';

export const CAMPAIGN_STATUSES = ['UPCOMING', 'ACTIVE', 'ENDED', 'CANCELLED'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** Derived from the window and the clock, so a status can never be stale. */
export function campaignStatus(campaign: CampaignRow, now: Date): CampaignStatus {
  if (campaign.cancelledAt) return 'CANCELLED';
  if (now < campaign.startsAt) return 'UPCOMING';
  return now < campaign.endsAt ? 'ACTIVE' : 'ENDED';
}

function statusCondition(status: CampaignStatus, now: Date): SQL | undefined {
  const live = isNull(campaigns.cancelledAt);
  switch (status) {
    case 'CANCELLED':
      return isNotNull(campaigns.cancelledAt);
    case 'UPCOMING':
      return and(live, gt(campaigns.startsAt, now));
    case 'ACTIVE':
      return and(live, lte(campaigns.startsAt, now), gt(campaigns.endsAt, now));
    case 'ENDED':
      return and(live, lte(campaigns.endsAt, now));
  }
}

/** The campaigns of these ids the viewer sees, whole or their part (campaign.part.ts): the loader's query, and the edit's (locked). */
function visibleCampaigns(db: DbOrTx, viewer: Viewer, ids: readonly string[]) {
  // The ids as one array parameter: the same text for any number of ids.
  return db
    .select()
    .from(campaigns)
    .where(and(sql`${campaigns.id} = any(${sql.param([...ids])}::uuid[])`, campaignSeenBy(viewer)));
}

/**
 * The campaign of this id the viewer may see, its row locked until the transaction ends: edits of it, and
 * creates that count what hangs under it, queue here. NO KEY UPDATE is the lock an UPDATE takes anyway and,
 * unlike FOR UPDATE, does not wait for the key-share locks of ingest batches inserting the campaign's orders.
 * Only a viewer over every shop of it may change a campaign or what hangs under it: one who sees their part
 * is refused with FORBIDDEN, naming why, where an id they cannot see at all is NOT_FOUND.
 */
export async function lockVisibleCampaign(tx: DbOrTx, viewer: Viewer, id: string, field: string[] = ['input', 'id']): Promise<CampaignRow | undefined> {
  const [campaign] = await visibleCampaigns(tx, viewer, [id]).for('no key update');
  if (campaign && !seesWholeCampaign(viewer, campaign)) throw campaignOfOtherShops(field);
  return campaign;
}

export const campaignOfOtherShops = (field: string[]) =>
  new DomainError(
    'FORBIDDEN',
    {
      en: 'the campaign also runs in shops outside your grant: only someone over all its shops can change it, its milestones, its alert settings or its lessons',
      zh: '该活动还在你的凭证范围之外的店铺开展：只有能看到其全部店铺的人才能修改活动、关键节点、预警设置及复盘经验',
    },
    field,
  );

export async function loadCampaigns(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<CampaignRow[]> {
  if (ids.length === 0) return [];
  // Prepared by name (the campaign loader's batches, every metrics query's scope check): one round trip and no parse.
  const rows = await visibleCampaigns(db, viewer, ids).prepare('campaigns_by_id').execute();
  return viewer.shops === 'ALL' ? rows : rows.map((row) => campaignPartFor(viewer, row));
}

/**
 * The campaigns of these ids that run in at least one of the caller's shops, cut to those shops: what an
 * ingested order or spend entry may be attributed to. A producer naming the campaign its shop's order
 * belongs to learns nothing of the other shops, so it needs no split; a campaign with none of the caller's
 * shops does not exist for it.
 */
export async function campaignsForAttribution(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<CampaignRow[]> {
  if (ids.length === 0) return [];
  const rows = await loadCampaigns(db, SYSTEM, ids);
  if (viewer.shops === 'ALL') return rows;
  const { shops } = viewer;
  return rows.flatMap((row) => {
    const shopIds = row.shopIds.filter((id) => shops.has(id));
    return shopIds.length > 0 ? [{ ...row, shopIds }] : [];
  });
}

export async function requireCampaign(db: DbOrTx, viewer: Viewer, id: string, field: string[]): Promise<CampaignRow> {
  const [campaign] = await loadCampaigns(db, viewer, [id]);
  if (!campaign) throw notFound('Campaign', field);
  return campaign;
}

/**
 * A campaign named as the scope of figures (metrics, live streams): a caller limited to some shops is
 * refused with FORBIDDEN before any work when it is not theirs — the same answer whether it exists or
 * not, so nothing leaks. Callers over every shop still get NOT_FOUND for an id that does not exist.
 */
export async function requireScopeCampaign(db: DbOrTx, viewer: Viewer, id: string, field: string[]): Promise<CampaignRow> {
  const [campaign] = await loadCampaigns(db, viewer, [id]);
  if (campaign) return campaign;
  if (viewer.shops !== 'ALL') throw forbidden('Campaign', field);
  throw notFound('Campaign', field);
}

/** Newest first: the war room and the picker want the current campaign at the top. */
export function listCampaigns(
  db: DbOrTx,
  viewer: Viewer,
  filter: { status?: CampaignStatus | null; now: Date },
  args: ConnectionArgs,
) {
  const where = and(campaignSeenBy(viewer), filter.status ? statusCondition(filter.status, filter.now) : undefined);
  return paginate<CampaignRow>(
    args,
    { column: campaigns.startsAt, type: 'timestamptz', direction: 'desc', value: (c) => c.startsAt, idColumn: campaigns.id, id: (c) => c.id },
    async ({ bounds, orderBy, limit }) =>
      (await db.select().from(campaigns).where(and(where, bounds)).orderBy(...orderBy).limit(limit)).map((row) => campaignPartFor(viewer, row)),
    async () => (await db.select({ n: count() }).from(campaigns).where(where))[0]?.n ?? 0,
  );
}

/** Relative weights need no more range than this; larger ones only invite overflow. */
export const MAX_HOURLY_WEIGHT = 1_000_000;

/** 24 relative weights, one per Asia/Shanghai hour of day, for the plan curve. */
const HourlyShape = z
  .array(
    z
      .number()
      .finite()
      .min(0, said('weights cannot be negative', '权重不能为负'))
      .max(MAX_HOURLY_WEIGHT, said(`weights are relative: at most ${MAX_HOURLY_WEIGHT}`, `权重是相对值：最大 ${MAX_HOURLY_WEIGHT}`)),
  )
  .length(24, said('give one weight per hour of day (24)', '每个小时给一个权重（共 24 个）'))
  .refine((weights) => weights.some((w) => w > 0), said('at least one hour needs a positive weight', '至少一个小时的权重要大于 0'));

const positiveTarget = moneyInput.refine((fen) => fen > 0, {
  message: 'the GMV target must be above zero',
  params: { code: 'INVALID_AMOUNT', zh: 'GMV 目标必须大于 0' },
});

/**
 * 目标转化率 as a rate in (0, 1] with at most two decimals of a percent (3.25 % = 0.0325), stored in basis
 * points.
 */
const conversionTarget = z
  .number()
  .finite()
  .gt(0, said('the target conversion must be above 0', '目标转化率必须大于 0'))
  .max(1, said('the target conversion is a rate: at most 1 (100 %)', '目标转化率是比率：最大 1（100%）'))
  .refine((rate) => Math.abs(rate * BASIS_POINTS - Math.round(rate * BASIS_POINTS)) < 1e-6, said('the target conversion has at most two decimals of a percent (0.0325 = 3.25 %)', '目标转化率最多精确到百分比的两位小数（0.0325 = 3.25%）'))
  .transform((rate) => Math.round(rate * BASIS_POINTS));

const CAMPAIGN_SHOPS_MIN = said('a campaign runs in at least one shop', '活动至少在一个店铺开展');

const CreateCampaignInput = z.object({
  name: text(100),
  theme: optionalText(200),
  startsAt: z.date(),
  endsAt: z.date(),
  gmvTarget: positiveTarget,
  conversionTarget: conversionTarget.nullish(),
  shopIds: z.array(z.string()).min(1, CAMPAIGN_SHOPS_MIN),
  hourlyShape: HourlyShape.nullish(),
  shopTargets: ShopTargetsInput,
  requestId: requestIdInput,
});

/** With a requestId, a retry answers with the campaign the first request made (db/create-once.ts). */
export async function createCampaign(db: DbOrTx, viewer: Viewer, input: unknown): Promise<CampaignRow> {
  const { requestId, ...data } = parseInput(CreateCampaignInput, input, (raw) => {
    const window = CampaignWindow.safeParse(raw);
    return [...(window.success ? windowProblems(window.data.startsAt, window.data.endsAt) : []), ...createSplitProblems(raw)];
  });
  await assertShopsVisible(db, viewer, data.shopIds, ['input', 'shopIds']);
  const made = await createOnce(db, viewer, 'Campaign', { requestId, input: data }, (db, id) => insertCampaign(db, id, data), async (db, id) => (await loadCampaigns(db, viewer, [id]))[0]);
  return made.row;
}

async function insertCampaign(db: DbOrTx, id: string, data: Omit<z.infer<typeof CreateCampaignInput>, 'requestId'>): Promise<CampaignRow> {
  const [row] = await db
    .insert(campaigns)
    .values({
      id,
      name: data.name,
      theme: data.theme ?? null,
      startsAt: data.startsAt,
      endsAt: data.endsAt,
      gmvTargetFen: data.gmvTarget,
      // Omitted: the manuals' 3 %; null: the campaign plans no conversion.
      ...(data.conversionTarget !== undefined && { conversionTargetBp: data.conversionTarget }),
      shopIds: [...new Set(data.shopIds)],
      hourlyShape: data.hourlyShape ?? null,
      shopTargetsFen: data.shopTargets ? storedSplit(data.shopTargets) : null,
    })
    .returning();
  return row!;
}

const UpdateCampaignInput = z.object({
  id: z.string(),
  name: text(100).nullish(),
  theme: optionalText(200),
  startsAt: z.date().nullish(),
  endsAt: z.date().nullish(),
  gmvTarget: positiveTarget.nullish(),
  conversionTarget: conversionTarget.nullish(),
  shopIds: z.array(z.string()).min(1, CAMPAIGN_SHOPS_MIN).nullish(),
  hourlyShape: HourlyShape.nullish(),
  shopTargets: ShopTargetsInput,
  cancelled: z.boolean().nullish(),
});

export async function updateCampaign(db: DbOrTx, viewer: Viewer, input: unknown, now: Date): Promise<CampaignRow> {
  const data = parseInput(UpdateCampaignInput, input);
  return db.transaction(async (tx) => {
    // Under the row lock, so a move of one end of the window is checked against the other end as a
    // concurrent edit just committed it, not as it was: two valid moves cannot leave it ending before it starts.
    const campaign = await lockVisibleCampaign(tx, viewer, data.id);
    if (!campaign) throw notFound('Campaign', ['input', 'id']);
    assertStillOpen(campaign, data, now);
    // Only when it moves: a campaign stored before the length bound stays editable (and, until it ends, cancellable).
    if (data.startsAt != null || data.endsAt != null) assertWindow(data.startsAt ?? campaign.startsAt, data.endsAt ?? campaign.endsAt);
    if (data.startsAt != null && data.startsAt > campaign.startsAt) await assertNothingCountedBefore(tx, campaign, data.startsAt, now);
    if (data.shopIds) await assertShopsVisible(tx, viewer, data.shopIds, ['input', 'shopIds']);
    const split = splitAfterUpdate(campaign, data);
    const [row] = await tx
      .update(campaigns)
      .set({
        ...(data.name != null && { name: data.name }),
        ...(data.theme !== undefined && { theme: data.theme }),
        ...(data.startsAt != null && { startsAt: data.startsAt }),
        ...(data.endsAt != null && { endsAt: data.endsAt }),
        ...(data.gmvTarget != null && { gmvTargetFen: data.gmvTarget }),
        ...(data.conversionTarget !== undefined && { conversionTargetBp: data.conversionTarget }),
        ...(data.shopIds != null && { shopIds: [...new Set(data.shopIds)] }),
        ...(data.hourlyShape !== undefined && { hourlyShape: data.hourlyShape }),
        ...(split !== undefined && { shopTargetsFen: split }),
        ...(data.cancelled != null && { cancelledAt: data.cancelled ? (campaign.cancelledAt ?? now) : null }),
        updatedAt: now,
      })
      .where(eq(campaigns.id, campaign.id))
      .returning();
    return row!;
  });
}

/**
 * Removes a campaign made by mistake (last year's dates typed for this year's, a duplicate) with its
 * milestones, alert settings and lessons. Only while nothing is attributed to it: an order, a visit, a
 * spend entry or an alert makes it a record of what happened, which is cancelled (before its end) and
 * kept, never removed. Answers with the campaign as it was.
 */
export async function deleteCampaign(db: DbOrTx, viewer: Viewer, id: string, now: Date): Promise<CampaignRow> {
  return db.transaction(async (tx) => {
    // The row lock (as an edit's) holds off a concurrent edit; what ingestion attributes meanwhile waits on it, then fails its key check.
    const campaign = await lockVisibleCampaign(tx, viewer, id);
    if (!campaign) throw notFound('Campaign', ['input', 'id']);
    const [held] = await rows<{ orders: boolean; rollups: boolean; spend: boolean; alerts: boolean }>(tx, sql`select
      exists (select 1 from ${orders} where ${orders.campaignId} = ${campaign.id}) as orders,
      exists (select 1 from ${metricRollups} where ${metricRollups.campaignId} = ${campaign.id}) as rollups,
      exists (select 1 from ${marketingSpend} where ${marketingSpend.campaignId} = ${campaign.id}) as spend,
      exists (select 1 from ${alerts} where ${alerts.campaignId} = ${campaign.id}) as alerts`);
    const what = [
      held?.orders || held?.rollups ? { en: 'orders or traffic', zh: '订单或流量' } : null,
      held?.spend ? { en: 'marketing spend', zh: '营销花费' } : null,
      held?.alerts ? { en: 'alerts', zh: '预警' } : null,
    ].filter((w) => w !== null);
    if (what.length > 0) {
      throw new DomainError(
        'CONFLICT',
        {
          en: `${what.map((w) => w.en).join(', ')} ${what.length > 1 ? 'are' : 'is'} attributed to this campaign: it is a record and stays${campaign.endsAt > now ? '; cancel it instead' : ''}`,
          zh: `已有${what.map((w) => w.zh).join('、')}归属此活动：它是记录，不能删除${campaign.endsAt > now ? '；请改为取消活动' : ''}`,
        },
        ['input', 'id'],
      );
    }
    await tx.delete(campaigns).where(eq(campaigns.id, campaign.id));
    return campaign;
  });
}

/**
 * A start moved later leaves out what the campaign counted before it: its GMV, its orders and visits would
 * drop from the war room and the retrospective without a word. Refused once anything attributed to it has
 * been counted between the old start and the new one (a campaign not yet begun, or begun with nothing
 * counted yet, moves freely).
 */
async function assertNothingCountedBefore(tx: DbOrTx, campaign: CampaignRow, startsAt: Date, now: Date) {
  if (now <= campaign.startsAt) return;
  const [counted] = await tx
    .select({ at: metricRollups.bucket })
    .from(metricRollups)
    .where(and(eq(metricRollups.campaignId, campaign.id), gte(metricRollups.bucket, campaign.startsAt), lt(metricRollups.bucket, startsAt)))
    .limit(1);
  if (!counted) return;
  throw new DomainError(
    'INVALID_WINDOW',
    {
      en: `the campaign has counted orders or traffic since it started at ${campaign.startsAt.toISOString()}: a later start would drop them from its GMV and retrospective; move its start earlier or leave it`,
      zh: `活动自 ${shanghaiDateTime(campaign.startsAt)}（北京时间）开始以来已有订单或流量计入：推迟开始时间会把它们从活动 GMV 和复盘中剔除；只能提前或保持不变`,
    },
    ['input', 'startsAt'],
  );
}

/**
 * The split an update leaves, checked against the shops and target it leaves: undefined when nothing about
 * it changes. A split kept from before must still fit, or the update is refused (nothing is rescaled behind
 * the operator's back: a shop's target is what it was asked for).
 */
function splitAfterUpdate(campaign: CampaignRow, data: z.infer<typeof UpdateCampaignInput>): Record<string, number> | null | undefined {
  const given = data.shopTargets;
  if (given !== undefined) {
    if (given === null) return null;
    const repeated = repeatedShopProblems(given);
    if (repeated.length > 0) throw new InputErrors(repeated);
  }
  const split = given !== undefined ? storedSplit(given) : campaign.shopTargetsFen;
  if (!split) return given === undefined ? undefined : null;
  const shopIds = data.shopIds ? [...new Set(data.shopIds)] : campaign.shopIds;
  const problems = splitProblems(split, shopIds, data.gmvTarget ?? campaign.gmvTargetFen, given === undefined);
  if (problems.length > 0) throw new InputErrors(problems);
  return given === undefined ? undefined : split;
}

/**
 * What an ended campaign was judged by stays as it was: its retrospective compares the actual against
 * these targets over this window and these shops, and a target lowered afterwards would turn a miss into
 * 达成. The name and theme are labels and stay editable. Judged by the window, not by cancellation, so a
 * cancelled campaign past its end cannot be reinstated into a different record either.
 */
function assertStillOpen(campaign: CampaignRow, data: z.infer<typeof UpdateCampaignInput>, now: Date) {
  if (now < campaign.endsAt) return;
  // Against the stored record, so a form sent back whole with a new name passes. As the update applies
  // them: a null hourly shape or conversion target clears it, a null anything else leaves it alone.
  const moved = {
    startsAt: data.startsAt != null && data.startsAt.getTime() !== campaign.startsAt.getTime(),
    endsAt: data.endsAt != null && data.endsAt.getTime() !== campaign.endsAt.getTime(),
    gmvTarget: data.gmvTarget != null && data.gmvTarget !== campaign.gmvTargetFen,
    conversionTarget: data.conversionTarget !== undefined && data.conversionTarget !== campaign.conversionTargetBp,
    shopIds: data.shopIds != null && !sameSet(data.shopIds, campaign.shopIds),
    hourlyShape: data.hourlyShape !== undefined && JSON.stringify(data.hourlyShape) !== JSON.stringify(campaign.hourlyShape),
    shopTargets: data.shopTargets !== undefined && !sameSplit(data.shopTargets ? storedSplit(data.shopTargets) : null, campaign.shopTargetsFen),
    cancelled: data.cancelled != null && data.cancelled !== (campaign.cancelledAt !== null),
  };
  const errors = Object.entries(moved)
    .filter(([, changed]) => changed)
    .map(([field]): UserErrorShape => ({
      field: ['input', field],
      message: `the campaign ended at ${campaign.endsAt.toISOString()}: its ${field} is part of its record and cannot change`,
      messageZh: `活动已于 ${shanghaiDateTime(campaign.endsAt)}（北京时间）结束：${field} 属于活动记录，不能再改`,
      code: 'CAMPAIGN_ENDED',
    }));
  if (errors.length > 0) throw new InputErrors(errors);
}

const sameSplit = (a: Record<string, number> | null, b: Record<string, number> | null) =>
  a === null || b === null ? a === b : sameSet(Object.keys(a), Object.keys(b)) && Object.keys(a).every((id) => a[id] === b[id]);

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((id) => right.has(id));
};

/** 618 and Double 11 run for weeks, pre-sale included; the plan curve, its alerts and series are built hour by hour over the window. */
function windowProblems(startsAt: Date, endsAt: Date): UserErrorShape[] {
  const tooLong = endsAt.getTime() - startsAt.getTime() > MAX_SPAN_DAYS * DAY_MS;
  const words =
    endsAt <= startsAt
      ? { en: 'the campaign must end after it starts', zh: '活动结束时间必须晚于开始时间' }
      : tooLong
        ? { en: `a campaign lasts at most ${MAX_SPAN_DAYS} days`, zh: `活动最长 ${MAX_SPAN_DAYS} 天` }
        : null;
  return words === null ? [] : [{ field: ['input', 'endsAt'], message: words.en, messageZh: words.zh, code: 'INVALID_WINDOW' }];
}

/** The window as a create gives it, read on its own so its problem is told beside the other fields'. */
const CampaignWindow = z.object({ startsAt: z.date(), endsAt: z.date() });

function assertWindow(startsAt: Date, endsAt: Date) {
  const problems = windowProblems(startsAt, endsAt);
  if (problems.length > 0) throw new InputErrors(problems);
}
