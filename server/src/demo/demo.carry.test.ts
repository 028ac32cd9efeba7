import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { insertCampaign, insertShop } from '../../test/fixtures.js';
import { MINUTE_MS } from '../lib/time.js';
import { campaignStatus } from '../modules/campaign/campaign.service.js';
import { campaigns } from '../modules/campaign/campaign.table.js';
import { planCurve, plannedFenAt } from '../modules/metrics/campaign-progress.js';
import { LIVE_CAMPAIGN_NAME } from './demo.campaigns.js';
import { carryLiveCampaign } from './demo.carry.js';

// The demo's live campaign as buildCampaigns places it: ten days run, closing at tonight's midnight.
const window = { startsAt: new Date('2026-11-01T00:00:00+08:00'), endsAt: new Date('2026-11-12T00:00:00+08:00') };
const at = (iso: string) => new Date(iso);

describeEachBackend('the demo carries its live campaign into the next day', (backend) => {
  it('moves the end a day on, shortly before it, and raises the target by a day so the plan already run stays as it was', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店');
    const live = await insertCampaign(db, [shop.id], LIVE_CAMPAIGN_NAME, window);
    const justBefore = at('2026-11-11T23:56:00+08:00');
    const plannedBefore = plannedFenAt(planCurve(live), justBefore);

    // Ten minutes before midnight is not yet its time.
    expect(await carryLiveCampaign(db, at('2026-11-11T23:50:00+08:00'))).toEqual({ campaign: live, carried: false });
    const { campaign: carried, carried: moved } = await carryLiveCampaign(db, justBefore);
    expect(moved).toBe(true);
    expect(carried?.endsAt).toEqual(at('2026-11-13T00:00:00+08:00'));
    expect(carried?.startsAt).toEqual(window.startsAt);
    // ¥1,000,000 over 11 days → ¥1,090,909.09 over 12: a day's share more.
    expect(carried?.gmvTargetFen).toBe(109_090_909);
    expect(Math.abs(plannedFenAt(planCurve(carried!), justBefore) - plannedBefore)).toBeLessThanOrEqual(1);
    // Past the old midnight it is still running, and the war room stays on it.
    expect(campaignStatus(carried!, at('2026-11-12T00:01:00+08:00'))).toBe('ACTIVE');

    // Looked at again a minute later: it is a day from its end now, so nothing moves twice.
    expect(await carryLiveCampaign(db, new Date(justBefore.getTime() + MINUTE_MS))).toMatchObject({ carried: false, campaign: { endsAt: at('2026-11-13T00:00:00+08:00') } });
    const [stored] = await db.select().from(campaigns).where(eq(campaigns.id, live.id));
    expect([stored!.endsAt, stored!.gmvTargetFen]).toEqual([at('2026-11-13T00:00:00+08:00'), 109_090_909]);
    expect((await carryLiveCampaign(db, justBefore)).campaign!.endsAt.getTime()).toBeGreaterThan(justBefore.getTime()); // not ended
  });

  it('is carried once, not a day each, when two instances running the demo look at the same moment', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店');
    const live = await insertCampaign(db, [shop.id], LIVE_CAMPAIGN_NAME, window);
    const justBefore = at('2026-11-11T23:57:00+08:00');
    const looks = await Promise.all([carryLiveCampaign(db, justBefore), carryLiveCampaign(db, justBefore)]);
    expect(looks.map((l) => l.carried).sort()).toEqual([false, true]);
    // The one that did not carry sees the carried end, so its traffic after midnight is the campaign's too.
    expect(looks.map((l) => l.campaign?.endsAt)).toEqual([at('2026-11-13T00:00:00+08:00'), at('2026-11-13T00:00:00+08:00')]);
    const [stored] = await db.select().from(campaigns).where(eq(campaigns.id, live.id));
    expect(stored!.gmvTargetFen).toBe(109_090_909);
  });

  it('leaves an ended live campaign as its record stands, and says it has ended', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店');
    const live = await insertCampaign(db, [shop.id], LIVE_CAMPAIGN_NAME, window);
    const morning = at('2026-11-12T09:00:00+08:00');
    const look = await carryLiveCampaign(db, morning);
    expect(look.carried).toBe(false);
    const [stored] = await db.select().from(campaigns).where(eq(campaigns.id, live.id));
    expect([stored!.endsAt, stored!.gmvTargetFen]).toEqual([window.endsAt, 100_000_000]);
    // The look answers the ended campaign, which is how the simulator knows to say so at start.
    expect(look.campaign?.id).toBe(live.id);
    expect(look.campaign!.endsAt.getTime()).toBeLessThanOrEqual(morning.getTime());
  });

  it('never touches a campaign of another name or a cancelled one, though they end at the same midnight', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店');
    const theirs = await insertCampaign(db, [shop.id], '店铺周年庆', window);
    const cancelled = await insertCampaign(db, [shop.id], LIVE_CAMPAIGN_NAME, window);
    await db.update(campaigns).set({ cancelledAt: at('2026-11-05T00:00:00+08:00') }).where(eq(campaigns.id, cancelled.id));
    expect(await carryLiveCampaign(db, at('2026-11-11T23:58:00+08:00'))).toEqual({ campaign: null, carried: false });
    const stored = await db.select({ endsAt: campaigns.endsAt }).from(campaigns);
    expect(stored.map((c) => c.endsAt)).toEqual([window.endsAt, window.endsAt]);
    expect((await carryLiveCampaign(db, at('2026-11-12T09:00:00+08:00'))).campaign).toBeNull(); // a cancelled one is not the live one
    const [theirsNow] = await db.select().from(campaigns).where(eq(campaigns.id, theirs.id));
    expect([theirsNow!.endsAt, theirsNow!.gmvTargetFen, theirsNow!.updatedAt]).toEqual([theirs.endsAt, theirs.gmvTargetFen, theirs.updatedAt]);
  });
});
