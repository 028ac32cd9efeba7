import { SYSTEM } from '../auth/viewer.js';
import type { DbOrTx } from '../db/client.js';
import { fenToYuan } from '../lib/money.js';
import { addDays, MINUTE_MS, shanghaiDate, startOfShanghaiDay } from '../lib/time.js';
import { createCampaign } from '../modules/campaign/campaign.service.js';
import type { CampaignRow } from '../modules/campaign/campaign.table.js';
import { planWeight } from '../modules/metrics/campaign-progress.js';
import { CARRY_AHEAD_MS, latestLive } from './demo.carry.js';
import { ENCORE_CAMPAIGN_NAME } from './demo.campaigns.js';

export interface Encore {
  /** The live campaign that ended while the demo was stopped: its record, untouched. */
  ended: CampaignRow;
  /** The 返场 opened in its place, running from now to the coming Shanghai midnight. */
  opened: CampaignRow;
}

/**
 * A demo stopped over its midnight finds its live campaign ended, and an ended campaign's window and target
 * are its record (demo.carry.ts). Rather than a war room of zeros, the demo does what shops do the day after
 * a big sale: it opens a 返场 (encore) in the same shops with the same theme and hourly shape, from now to the
 * coming midnight, which the simulator then carries day by day as it carried the campaign before.
 *
 * Its target is the ended campaign's, scaled by what the encore's hours weigh in the plan's hourly shape against
 * what the ended window weighed: a whole day's share for a whole day, less for the rest of one, so the pace
 * starts where the traffic held the campaign. Answers null when the live campaign is still running, was
 * cancelled, or there is none. The latest live row is locked first, then read again, so instances starting
 * together open one encore between them.
 */
export async function openEncoreIfEnded(db: DbOrTx, now: Date): Promise<Encore | null> {
  return db.transaction(async (tx) => {
    await latestLive(tx).for('update');
    const [ended] = await latestLive(tx);
    if (!ended || ended.endsAt > now) return null;
    const startsAt = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS);
    // Opened within the carry's reach of midnight, it runs through the next day: a window of minutes would be carried at once.
    const endsAt = startOfShanghaiDay(addDays(shanghaiDate(new Date(now.getTime() + CARRY_AHEAD_MS)), 1));
    // The ended campaign's target per unit of plan weight, times what the encore's hours weigh in the same shape.
    const window = { startsAt, endsAt, hourlyShape: ended.hourlyShape };
    const targetFen = Math.round((ended.gmvTargetFen * planWeight(window)) / planWeight(ended));
    const opened = await createCampaign(tx, SYSTEM, {
      name: ENCORE_CAMPAIGN_NAME,
      theme: ended.theme,
      startsAt,
      endsAt,
      gmvTarget: fenToYuan(Math.max(1, targetFen)),
      shopIds: ended.shopIds,
      hourlyShape: ended.hourlyShape,
    });
    return { ended, opened };
  });
}
