import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachBackend, twoCreatesAtOnce } from '../../test/backends.js';
import { insertCampaign, insertShop } from '../../test/fixtures.js';
import { campaignStatus } from '../modules/campaign/campaign.service.js';
import { campaignMilestones, campaigns } from '../modules/campaign/campaign.table.js';
import { milestoneChanges } from '../modules/campaign/milestone-changes.table.js';
import { planCurve, plannedFenAt } from '../modules/metrics/campaign-progress.js';
import { ENCORE_CAMPAIGN_NAME, LIVE_CAMPAIGN_NAME } from './demo.campaigns.js';
import { carryLiveCampaign } from './demo.carry.js';
import { openEncoreIfEnded } from './demo.encore.js';

// The demo's live campaign as buildCampaigns places it: ¥1,000,000 over eleven days, closing at 11.12's midnight.
const window = { startsAt: new Date('2026-11-01T00:00:00+08:00'), endsAt: new Date('2026-11-12T00:00:00+08:00') };
const at = (iso: string) => new Date(iso);
// The default Double 11 day weighs 104.8; its hours from 9:00 to midnight weigh 77.1 of it.
const DAY_FEN = 100_000_000 / 11;

describeEachBackend('a demo stopped over its midnight opens a 返场', (backend) => {
  it('opens the encore from now to midnight in the same shops, with the share of a day its hours weigh, and leaves the ended record alone', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店');
    const live = await insertCampaign(db, [shop.id], LIVE_CAMPAIGN_NAME, window);
    await db.update(campaigns).set({ theme: '满300减50' }).where(eq(campaigns.id, live.id));
    const morning = at('2026-11-12T09:00:30+08:00');

    const encore = await openEncoreIfEnded(db, morning);
    expect(encore?.ended.id).toBe(live.id);
    const opened = encore!.opened;
    expect(opened).toMatchObject({ name: ENCORE_CAMPAIGN_NAME, theme: '满300减50', shopIds: [shop.id], hourlyShape: null });
    expect([opened.startsAt, opened.endsAt]).toEqual([at('2026-11-12T09:00:00+08:00'), at('2026-11-13T00:00:00+08:00')]);
    expect(Math.abs(opened.gmvTargetFen - Math.round((DAY_FEN * 77.1) / 104.8))).toBeLessThanOrEqual(1);
    expect(campaignStatus(opened, morning)).toBe('ACTIVE');
    // The ended campaign is its record: window and target as they were.
    const [stored] = await db.select().from(campaigns).where(eq(campaigns.id, live.id));
    expect([stored!.endsAt, stored!.gmvTargetFen]).toEqual([window.endsAt, 100_000_000]);

    // It comes with what a team does for a 返场: the pages up as it opened, the rest to do, none HIGH.
    const milestones = await db.select().from(campaignMilestones).where(eq(campaignMilestones.campaignId, opened.id)).orderBy(campaignMilestones.dueAt);
    expect(milestones.map((m) => [m.name, m.status, m.riskLevel, m.dueAt])).toEqual([
      ['返场会场上线', 'DONE', 'LOW', at('2026-11-12T10:00:00+08:00')],
      ['尾货库存清点', 'NOT_STARTED', 'MEDIUM', at('2026-11-12T13:00:00+08:00')],
      ['售后高峰值守', 'NOT_STARTED', 'MEDIUM', at('2026-11-15T00:00:00+08:00')],
      ['返场复盘', 'NOT_STARTED', 'NONE', at('2026-11-16T00:00:00+08:00')],
    ]);
    expect(milestones[0]!.completedAt).toEqual(morning);
    expect(encore!.milestones.map((m) => m.id).sort()).toEqual(milestones.map((m) => m.id).sort());
    // Each with its first risk-history row, as one made in the console has.
    expect(await db.select().from(milestoneChanges)).toHaveLength(4);
    // The ended campaign keeps its own (here none).
    expect(await db.select().from(campaignMilestones).where(eq(campaignMilestones.campaignId, live.id))).toHaveLength(0);

    // It is the live campaign now: a second start opens nothing, and the carry takes it a whole day further.
    expect(await openEncoreIfEnded(db, at('2026-11-12T10:00:00+08:00'))).toBeNull();
    const justBefore = at('2026-11-12T23:56:00+08:00');
    const plannedBefore = plannedFenAt(planCurve(opened), justBefore);
    const { campaign: carried, carried: moved } = await carryLiveCampaign(db, justBefore);
    expect([moved, carried?.id, carried?.endsAt]).toEqual([true, opened.id, at('2026-11-14T00:00:00+08:00')]);
    // A whole day more is a whole day's share, and the plan of the hours already run stays as it was.
    expect(Math.abs(carried!.gmvTargetFen - opened.gmvTargetFen - DAY_FEN)).toBeLessThanOrEqual(1);
    expect(Math.abs(plannedFenAt(planCurve(carried!), justBefore) - plannedBefore)).toBeLessThanOrEqual(1);
  });

  it('runs through the next day when opened within minutes of midnight', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店');
    await insertCampaign(db, [shop.id], LIVE_CAMPAIGN_NAME, window);
    const opened = (await openEncoreIfEnded(db, at('2026-11-12T23:57:10+08:00')))!.opened;
    expect([opened.startsAt, opened.endsAt]).toEqual([at('2026-11-12T23:57:00+08:00'), at('2026-11-14T00:00:00+08:00')]);
    // Three minutes of hour 23 (weight 6.5) and a whole day.
    expect(Math.abs(opened.gmvTargetFen - Math.round((DAY_FEN * (6.5 * 0.05 + 104.8)) / 104.8))).toBeLessThanOrEqual(1);
  });

  it('opens nothing while the live campaign runs, when it was cancelled, or when there is none', async () => {
    const { db } = backend();
    expect(await openEncoreIfEnded(db, at('2026-11-12T09:00:00+08:00'))).toBeNull();
    const shop = await insertShop(db, '天猫店');
    const live = await insertCampaign(db, [shop.id], LIVE_CAMPAIGN_NAME, window);
    await insertCampaign(db, [shop.id], '店铺周年庆', window); // ended too, but not the demo's
    expect(await openEncoreIfEnded(db, at('2026-11-11T20:00:00+08:00'))).toBeNull();
    await db.update(campaigns).set({ cancelledAt: at('2026-11-05T00:00:00+08:00') }).where(eq(campaigns.id, live.id));
    expect(await openEncoreIfEnded(db, at('2026-11-12T09:00:00+08:00'))).toBeNull();
    expect(await db.select({ name: campaigns.name }).from(campaigns)).toHaveLength(2);
  });

  it('opens one encore when two instances start at the same moment', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店');
    await insertCampaign(db, [shop.id], LIVE_CAMPAIGN_NAME, window);
    const morning = at('2026-11-12T09:00:00+08:00');
    // On PostgreSQL both have read the ended campaign before either may insert.
    const open = () => openEncoreIfEnded(db, morning);
    const both = await twoCreatesAtOnce(backend(), 'campaigns', open, open);
    expect(both.filter((e) => e !== null)).toHaveLength(1);
    expect(await db.select().from(campaigns).where(eq(campaigns.name, ENCORE_CAMPAIGN_NAME))).toHaveLength(1);
    expect(await db.select().from(campaignMilestones)).toHaveLength(4);
  });
});
