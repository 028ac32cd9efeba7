import { and, desc, inArray, isNull } from 'drizzle-orm';
import { SYSTEM } from '../auth/viewer.js';
import type { DbOrTx } from '../db/client.js';
import { scaledSplit, splitAsInput } from '../modules/campaign/campaign.split.js';
import { fenToYuan } from '../lib/money.js';
import { DAY_MS, MINUTE_MS } from '../lib/time.js';
import { updateCampaign } from '../modules/campaign/campaign.service.js';
import { campaigns, type CampaignRow } from '../modules/campaign/campaign.table.js';
import { planWeight } from '../modules/metrics/campaign-progress.js';
import { ENCORE_CAMPAIGN_NAME, LIVE_CAMPAIGN_NAME } from './demo.campaigns.js';

/** How long before its end the live campaign is carried: the simulator looks once a minute, so several looks fall inside. */
export const CARRY_AHEAD_MS = 5 * MINUTE_MS;

export interface LiveCampaignLook {
  /** The live campaign as it stands after the look (the latest of its name, not cancelled; possibly ended); null if there is none. */
  campaign: CampaignRow | null;
  /** This look carried it a day further. */
  carried: boolean;
}

/**
 * The demo's live campaign: the latest of its name, or of the 返场 opened after it (demo.encore.ts), not
 * cancelled (a user may have cancelled it and made another).
 */
export const latestLive = (db: DbOrTx) =>
  db
    .select()
    .from(campaigns)
    .where(and(inArray(campaigns.name, [LIVE_CAMPAIGN_NAME, ENCORE_CAMPAIGN_NAME]), isNull(campaigns.cancelledAt)))
    .orderBy(desc(campaigns.endsAt))
    .limit(1);

/**
 * The demo's Double 11 is always on its final day: its window closes at the coming Shanghai midnight. A
 * demo left running overnight, as a war room's wall screen is, would open the morning on an ended
 * campaign and a screen of zeros. So shortly before its end the running demo carries it one day further
 * and raises its target by what that day weighs in its plan (the hourly shape is per hour of day, so every
 * whole day weighs the same), so the plan of the hours already run, and with it the pace, stays as it was.
 *
 * Only before the end, through updateCampaign as any edit goes: once ended, a campaign's window and
 * target are its record and nothing moves them (a demo stopped over its midnight opens a 返场 instead). The row
 * is locked first, so two instances running the demo's traffic carry it once, not a day each.
 */
export async function carryLiveCampaign(db: DbOrTx, now: Date): Promise<LiveCampaignLook> {
  return db.transaction(async (tx) => {
    const [live] = await latestLive(tx).for('no key update');
    if (!live) return { campaign: null, carried: false };
    const untilEnd = live.endsAt.getTime() - now.getTime();
    if (untilEnd <= 0 || untilEnd > CARRY_AHEAD_MS) return { campaign: live, carried: false };
    // Asia/Shanghai keeps no daylight saving: its days are all 24 hours.
    const endsAt = new Date(live.endsAt.getTime() + DAY_MS);
    // By the plan's weights, not by time: a 返场 opened mid-day has run part of a day, not a day's share of its target.
    const gmvTargetFen = Math.round((live.gmvTargetFen * planWeight({ ...live, endsAt })) / planWeight(live));
    const shopTargets = live.shopTargetsFen ? splitAsInput(scaledSplit(live.shopTargetsFen, gmvTargetFen)) : undefined;
    const carried = await updateCampaign(tx, SYSTEM, { id: live.id, endsAt, gmvTarget: fenToYuan(gmvTargetFen), shopTargets }, now);
    return { campaign: carried, carried: true };
  });
}
