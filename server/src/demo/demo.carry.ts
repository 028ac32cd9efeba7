import { and, desc, eq, isNull } from 'drizzle-orm';
import { SYSTEM } from '../auth/viewer.js';
import type { DbOrTx } from '../db/client.js';
import { fenToYuan } from '../lib/money.js';
import { DAY_MS, MINUTE_MS } from '../lib/time.js';
import { updateCampaign } from '../modules/campaign/campaign.service.js';
import { campaigns, type CampaignRow } from '../modules/campaign/campaign.table.js';
import { LIVE_CAMPAIGN_NAME } from './demo.campaigns.js';

/** How long before its end the live campaign is carried: the simulator looks once a minute, so several looks fall inside. */
export const CARRY_AHEAD_MS = 5 * MINUTE_MS;

export interface LiveCampaignLook {
  /** The live campaign as it stands after the look (the latest of its name, not cancelled; possibly ended); null if there is none. */
  campaign: CampaignRow | null;
  /** This look carried it a day further. */
  carried: boolean;
}

/** The demo's live campaign: the latest of its name not cancelled (a user may have cancelled it and made another). */
const latestLive = (db: DbOrTx) =>
  db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.name, LIVE_CAMPAIGN_NAME), isNull(campaigns.cancelledAt)))
    .orderBy(desc(campaigns.endsAt))
    .limit(1);

/**
 * The demo's Double 11 is always on its final day: its window closes at the coming Shanghai midnight. A
 * demo left running overnight, as a war room's wall screen is, would open the morning on an ended
 * campaign and a screen of zeros. So shortly before its end the running demo carries it one day further
 * and raises its target by one day's share: every day weighs the same in the plan (the hourly shape is
 * per hour of day), so the plan of the days already run, and with it the pace, stays as it was.
 *
 * Only before the end, through updateCampaign as any edit goes: once ended, a campaign's window and
 * target are its record and nothing moves them (a demo stopped over its midnight stays ended). The row
 * is locked first, so two instances running the demo's traffic carry it once, not a day each.
 */
export async function carryLiveCampaign(db: DbOrTx, now: Date): Promise<LiveCampaignLook> {
  return db.transaction(async (tx) => {
    const [live] = await latestLive(tx).for('no key update');
    if (!live) return { campaign: null, carried: false };
    const untilEnd = live.endsAt.getTime() - now.getTime();
    if (untilEnd <= 0 || untilEnd > CARRY_AHEAD_MS) return { campaign: live, carried: false };
    const span = live.endsAt.getTime() - live.startsAt.getTime();
    // Asia/Shanghai keeps no daylight saving: its days are all 24 hours.
    const gmvTargetFen = Math.round((live.gmvTargetFen * (span + DAY_MS)) / span);
    const endsAt = new Date(live.endsAt.getTime() + DAY_MS);
    const carried = await updateCampaign(tx, SYSTEM, { id: live.id, endsAt, gmvTarget: fenToYuan(gmvTargetFen) }, now);
    return { campaign: carried, carried: true };
  });
}
