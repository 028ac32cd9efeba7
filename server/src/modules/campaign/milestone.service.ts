import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { allShopsVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { DomainError, notFound, type Words } from '../../errors.js';
import { groupByKeys } from '../../lib/group.js';
import { optionalText, parseInput, text } from '../../lib/validate.js';
import { campaignOfOtherShops, lockVisibleCampaign } from './campaign.service.js';
import { campaignSeenBy } from './campaign.part.js';
import {
  campaignMilestones,
  campaigns,
  MILESTONE_STATUSES,
  RISK_LEVELS,
  type MilestoneRow,
} from './campaign.table.js';
import { milestoneChanges } from './milestone-changes.table.js';
import { HOUR_MS, MINUTE_MS, shanghaiDateTime } from '../../lib/time.js';
import { createOnce, requestIdInput } from '../../db/create-once.js';

/**
 * When a HIGH risk without a 风险应对方案 must have one: `planHours` after it became HIGH (DOMAIN.md's 24 hours,
 * or the HIGH_RISK_WITHOUT_PLAN hours set for its campaign). None for a milestone already DONE: what the risk
 * threatened is behind it, and the alert engine no longer looks at it.
 */
export function responsePlanDueAt(milestone: MilestoneRow, planHours: number): Date | null {
  if (milestone.status === 'DONE' || milestone.riskLevel !== 'HIGH' || milestone.responsePlan?.trim() || !milestone.highRiskSince) return null;
  return new Date(milestone.highRiskSince.getTime() + planHours * HOUR_MS);
}

/**
 * Past that moment — strictly: a plan written in the 24th hour's last instant is in time. The field
 * `responsePlanOverdue` and the HIGH_RISK_WITHOUT_PLAN alert both ask this.
 */
export function isResponsePlanOverdue(milestone: MilestoneRow, now: Date, planHours: number): boolean {
  const due = responsePlanDueAt(milestone, planHours);
  return due !== null && due < now;
}

/** When an unfinished milestone counts as overdue: its due time plus the MILESTONE_OVERDUE grace (minutes) set for its campaign. */
export function overdueAt(milestone: MilestoneRow, graceMinutes: number): Date {
  return new Date(milestone.dueAt.getTime() + graceMinutes * MINUTE_MS);
}

/** Not DONE and past its due time and grace: what the MILESTONE_OVERDUE alert calls overdue. */
export function isOverdue(milestone: MilestoneRow, now: Date, graceMinutes: number): boolean {
  return milestone.status !== 'DONE' && overdueAt(milestone, graceMinutes) < now;
}

// Milestones are visible exactly when their campaign is.
const milestoneColumns = {
  id: campaignMilestones.id,
  campaignId: campaignMilestones.campaignId,
  name: campaignMilestones.name,
  owner: campaignMilestones.owner,
  dueAt: campaignMilestones.dueAt,
  completionStandard: campaignMilestones.completionStandard,
  status: campaignMilestones.status,
  riskLevel: campaignMilestones.riskLevel,
  responsePlan: campaignMilestones.responsePlan,
  actualSituation: campaignMilestones.actualSituation,
  highRiskSince: campaignMilestones.highRiskSince,
  completedAt: campaignMilestones.completedAt,
  createdAt: campaignMilestones.createdAt,
  updatedAt: campaignMilestones.updatedAt,
};

/**
 * The milestones of these ids in campaigns the viewer sees (campaign.part.ts): the loader's query. `whole`:
 * only in campaigns the viewer sees every shop of, for the edit's (locked) read.
 */
function visibleMilestones(db: DbOrTx, viewer: Viewer, ids: readonly string[], whole = false) {
  return db
    .select(milestoneColumns)
    .from(campaignMilestones)
    .innerJoin(campaigns, eq(campaigns.id, campaignMilestones.campaignId))
    .where(and(inArray(campaignMilestones.id, [...ids]), whole ? allShopsVisible(viewer, campaigns.shopIds) : campaignSeenBy(viewer)));
}

export async function loadMilestones(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<MilestoneRow[]> {
  if (ids.length === 0) return [];
  return visibleMilestones(db, viewer, ids);
}

/** Milestones of each campaign, soonest due first. */
export async function milestonesOfCampaigns(db: DbOrTx, viewer: Viewer, campaignIds: readonly string[]): Promise<MilestoneRow[][]> {
  if (campaignIds.length === 0) return [];
  const rows = await db
    .select(milestoneColumns)
    .from(campaignMilestones)
    .innerJoin(campaigns, eq(campaigns.id, campaignMilestones.campaignId))
    .where(and(inArray(campaignMilestones.campaignId, [...campaignIds]), campaignSeenBy(viewer)))
    .orderBy(asc(campaignMilestones.dueAt), asc(campaignMilestones.id));
  return groupByKeys(campaignIds, rows, (m) => m.campaignId);
}

const CreateMilestoneInput = z.object({
  campaignId: z.string(),
  name: text(100),
  owner: text(50),
  dueAt: z.date(),
  completionStandard: text(500),
  status: z.enum(MILESTONE_STATUSES).nullish(),
  riskLevel: z.enum(RISK_LEVELS).nullish(),
  responsePlan: optionalText(),
  actualSituation: optionalText(),
  requestId: requestIdInput,
});

export type MilestoneChange = 'CREATED' | 'UPDATED';
/** Tells every instance's screens of a committed change (the whole row, so they need no read). */
export type AnnounceMilestone = (change: MilestoneChange, milestone: MilestoneRow) => void;

/**
 * 关键节点 one campaign may have: every read of it and every war-room board sends them all, unpaged, and a
 * 618 or Double 11 plan has a few dozen.
 */
export const MAX_MILESTONES_PER_CAMPAIGN = 200;

/**
 * The campaign a milestone is added to, when the viewer sees it and it has room for one more. Creates on
 * one campaign queue at its row lock and each counts after the one before it committed, so two at one below
 * the cap cannot both pass. The count is a statement of its own after the lock: a statement sees the rows
 * committed when it started, so a count inside the locking statement would be from before the wait.
 */
async function campaignWithRoom(tx: DbOrTx, viewer: Viewer, id: string, now: Date): Promise<string> {
  const campaign = await lockVisibleCampaign(tx, viewer, id, ['input', 'campaignId']);
  if (!campaign) throw notFound('Campaign', ['input', 'campaignId']);
  // The retrospective judges the milestones a campaign had: one added afterwards would be on time by construction.
  if (now >= campaign.endsAt) throw endedCampaign(campaign.endsAt, ['input', 'campaignId'], { en: 'no milestone can be added', zh: '不能再添加关键节点' });
  const [milestones] = await tx.select({ n: count() }).from(campaignMilestones).where(eq(campaignMilestones.campaignId, campaign.id));
  if ((milestones?.n ?? 0) >= MAX_MILESTONES_PER_CAMPAIGN) {
    throw new DomainError(
      'LIMIT_REACHED',
      { en: `a campaign has at most ${MAX_MILESTONES_PER_CAMPAIGN} milestones`, zh: `一个活动最多 ${MAX_MILESTONES_PER_CAMPAIGN} 个关键节点` },
      ['input', 'campaignId'],
    );
  }
  return campaign.id;
}

const endedCampaign = (endsAt: Date, field: string[], what: Words) =>
  new DomainError(
    'CAMPAIGN_ENDED',
    {
      en: `the campaign ended at ${endsAt.toISOString()}: ${what.en}, its retrospective judged the milestones as they were`,
      zh: `活动已于 ${shanghaiDateTime(endsAt)}（北京时间）结束：${what.zh}，复盘按关键节点当时的状态评判`,
    },
    field,
  );

/**
 * A milestone's due time is what the retrospective marks it on time against: once the campaign has ended,
 * moving it later would turn a late milestone into an on-time one. Its status and notes stay editable (a
 * milestone finished late is recorded as late).
 */
async function assertCampaignNotEnded(
  tx: DbOrTx,
  campaignId: string,
  now: Date,
  field: string[] = ['input', 'dueAt'],
  words = { en: 'its milestones keep their due times', zh: '关键节点保留原截止时间' },
) {
  const [campaign] = await tx.select({ endsAt: campaigns.endsAt }).from(campaigns).where(eq(campaigns.id, campaignId));
  if (campaign && now >= campaign.endsAt) throw endedCampaign(campaign.endsAt, field, words);
}

/**
 * Creates a milestone and its first risk-history row, within the campaign's cap; announced once committed.
 * With a requestId, a retry answers with the milestone the first request made, announced once (db/create-once.ts).
 */
export async function createMilestone(db: DbOrTx, viewer: Viewer, input: unknown, now: Date, announce: AnnounceMilestone): Promise<MilestoneRow> {
  const { requestId, ...data } = parseInput(CreateMilestoneInput, input);
  const made = await createOnce(
    db,
    viewer,
    'Milestone',
    { requestId, input: data },
    (db, id) => insertMilestone(db, viewer, id, data, now),
    async (db, id) => (await loadMilestones(db, viewer, [id]))[0],
  );
  if (!made.replayed) announce('CREATED', made.row);
  return made.row;
}

async function insertMilestone(db: DbOrTx, viewer: Viewer, id: string, data: Omit<z.infer<typeof CreateMilestoneInput>, 'requestId'>, now: Date): Promise<MilestoneRow> {
  const status = data.status ?? 'NOT_STARTED';
  const riskLevel = data.riskLevel ?? 'NONE';
  return db.transaction(async (tx) => {
    const campaignId = await campaignWithRoom(tx, viewer, data.campaignId, now);
    const [row] = await tx
      .insert(campaignMilestones)
      .values({
        id,
        campaignId,
        name: data.name,
        owner: data.owner,
        dueAt: data.dueAt,
        completionStandard: data.completionStandard,
        status,
        riskLevel,
        responsePlan: data.responsePlan || null,
        actualSituation: data.actualSituation || null,
        highRiskSince: riskLevel === 'HIGH' ? now : null,
        completedAt: status === 'DONE' ? now : null,
      })
      .returning();
    await tx.insert(milestoneChanges).values({ milestoneId: row!.id, status, riskLevel, changedAt: now, changedBy: viewer.displayName });
    return row!;
  });
}

const UpdateMilestoneInput = z.object({
  id: z.string(),
  name: text(100).nullish(),
  owner: text(50).nullish(),
  dueAt: z.date().nullish(),
  completionStandard: text(500).nullish(),
  status: z.enum(MILESTONE_STATUSES).nullish(),
  riskLevel: z.enum(RISK_LEVELS).nullish(),
  responsePlan: optionalText(),
  /** 实际情况; an empty string clears it. */
  actualSituation: optionalText(),
});

/** Updates a milestone, keeping the 24-hour clock of a HIGH risk and a row per status or risk change; announced once committed. */
export async function updateMilestone(db: DbOrTx, viewer: Viewer, input: unknown, now: Date, announce: AnnounceMilestone): Promise<MilestoneRow> {
  const data = parseInput(UpdateMilestoneInput, input);
  const updated = await db.transaction(async (tx) => {
    // Fields the caller did not send are written back from this read, and the history row depends on it.
    // Under the row lock a concurrent edit waits here and starts from this one's committed row, so it can
    // neither put back the response plan as it was before nor record the same change of status twice.
    const [milestone] = await visibleMilestones(tx, viewer, [data.id], true).for('no key update', { of: campaignMilestones });
    if (!milestone) {
      // Seen as part of a campaign the caller sees only some shops of: theirs to read, not to change.
      const [seen] = await visibleMilestones(tx, viewer, [data.id]);
      throw seen ? campaignOfOtherShops(['input', 'id']) : notFound('Milestone', ['input', 'id']);
    }

    if (data.dueAt != null && data.dueAt.getTime() !== milestone.dueAt.getTime()) await assertCampaignNotEnded(tx, milestone.campaignId, now);
    // A milestone done when its campaign has ended is the retrospective's record of when it was done:
    // reopening it (or raising its risk) would erase its completion time and raise alerts months on.
    const reopens = data.status != null && data.status !== 'DONE';
    const reRisks = data.riskLevel != null && data.riskLevel !== milestone.riskLevel;
    if (milestone.status === 'DONE' && (reopens || reRisks)) {
      await assertCampaignNotEnded(tx, milestone.campaignId, now, reopens ? ['input', 'status'] : ['input', 'riskLevel'], {
        en: 'a milestone done by then stays done, with its completion time and risk as recorded',
        zh: '已完成的关键节点保持完成，完成时间与风险按记录保留',
      });
    }
    const riskLevel = data.riskLevel ?? milestone.riskLevel;
    const responsePlan = data.responsePlan === undefined ? milestone.responsePlan : data.responsePlan || null;
    if (riskLevel === 'HIGH' && milestone.responsePlan && !responsePlan) {
      throw new DomainError('RESPONSE_PLAN_REQUIRED', { en: 'a HIGH-risk milestone keeps its response plan (风险应对方案)', zh: '高风险（HIGH）关键节点必须保留风险应对方案' }, [
        'input',
        'responsePlan',
      ]);
    }
    const status = data.status ?? milestone.status;
    const becameHigh = riskLevel === 'HIGH' && milestone.riskLevel !== 'HIGH';
    const [row] = await tx
      .update(campaignMilestones)
      .set({
        ...(data.name != null && { name: data.name }),
        ...(data.owner != null && { owner: data.owner }),
        ...(data.dueAt != null && { dueAt: data.dueAt }),
        ...(data.completionStandard != null && { completionStandard: data.completionStandard }),
        ...(data.actualSituation !== undefined && { actualSituation: data.actualSituation || null }),
        status,
        riskLevel,
        responsePlan,
        // The 24-hour clock starts when the risk becomes HIGH and stops mattering when it drops.
        highRiskSince: riskLevel !== 'HIGH' ? null : becameHigh ? now : milestone.highRiskSince,
        completedAt: status !== 'DONE' ? null : (milestone.completedAt ?? now),
        updatedAt: now,
      })
      .where(eq(campaignMilestones.id, milestone.id))
      .returning();
    // The risk history the retrospective shows: one row per change of status or risk, not per edit.
    if (status !== milestone.status || riskLevel !== milestone.riskLevel) {
      await tx.insert(milestoneChanges).values({ milestoneId: milestone.id, status, riskLevel, changedAt: now, changedBy: viewer.displayName });
    }
    return row!;
  });
  announce('UPDATED', updated);
  return updated;
}
