import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { insertCampaign, insertShop, partnerViewer } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { campaigns } from '../campaign/campaign.table.js';
import { eq } from 'drizzle-orm';
import { alerts } from './alert.table.js';
import { recordEvent } from './alert.lifecycle.js';
import { alertMatches, raiseAlert } from './alert.service.js';

const LIST = `{ alerts { totalCount edges { node { rule } } } }`;

describeEachBackend('a campaign’s alerts to a caller who sees it in part', (backend) => {
  let server: TestServer;
  let shopA: string;
  let campaignId: string;
  beforeEach(async () => {
    const { db } = backend();
    shopA = (await insertShop(db, '甲店')).id;
    const shopB = (await insertShop(db, '乙店', 'JD')).id;
    campaignId = (await insertCampaign(db, [shopA, shopB])).id;
    for (const rule of ['MILESTONE_OVERDUE', 'HIGH_RISK_WITHOUT_PLAN', 'GMV_BEHIND_PACE'] as const) {
      await db.insert(alerts).values({ rule, severity: 'WARNING', campaignId, subject: '双11', message: `${rule} 说明`, dedupeKey: `${rule}:${campaignId}` });
    }
    server = await startTestServer(backend(), { now: () => new Date('2026-11-05T10:00:00+08:00') });
  });
  afterEach(() => server.stop());

  it('shows its milestone alerts once the campaign is split, never its pace alert (the whole campaign’s figures)', async () => {
    const partner = bearer(await server.createKey({ name: '甲店', shopIds: [shopA], scopes: ['READ'] }));
    expect((await server.gql(LIST, {}, partner)).data.alerts.totalCount).toBe(0);
    const [campaign] = await backend().db.select().from(campaigns).where(eq(campaigns.id, campaignId));
    await backend().db.update(campaigns).set({ shopTargetsFen: Object.fromEntries(campaign!.shopIds.map((id) => [id, 50_000_000])) }).where(eq(campaigns.id, campaignId));
    const seen = (await server.gql(LIST, {}, partner)).data.alerts;
    expect(seen.edges.map((e: { node: { rule: string } }) => e.node.rule).sort()).toEqual(['HIGH_RISK_WITHOUT_PLAN', 'MILESTONE_OVERDUE']);
    // The admin sees all three.
    expect((await server.gql(LIST)).data.alerts.totalCount).toBe(3);
  });

  it('publishes a milestone alert of a split campaign as heard in part, and judges a live feed by it', async () => {
    const { db } = backend();
    const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
    await db.update(campaigns).set({ shopTargetsFen: Object.fromEntries(campaign!.shopIds.map((id) => [id, 50_000_000])) }).where(eq(campaigns.id, campaignId));
    await db.delete(alerts);
    const row = await raiseAlert(db, { rule: 'MILESTONE_OVERDUE', severity: 'WARNING', shopId: null, campaignId, subject: '双11', message: '节点逾期', dedupeKey: `m:${campaignId}` });
    const pace = await raiseAlert(db, { rule: 'GMV_BEHIND_PACE', severity: 'WARNING', shopId: null, campaignId, subject: '双11', message: '落后计划', dedupeKey: `p:${campaignId}` });
    const now = new Date();
    expect((await recordEvent(db, 'RAISED', row!, campaign!.shopIds, now)).seenInPart).toBe(true);
    expect((await recordEvent(db, 'RAISED', pace!, campaign!.shopIds, now)).seenInPart).toBe(false);
    const viewer = partnerViewer([shopA]);
    expect(alertMatches(viewer, {}, row!, campaign!.shopIds, true)).toBe(true);
    expect(alertMatches(viewer, {}, pace!, campaign!.shopIds, false)).toBe(false);
    expect(alertMatches(partnerViewer(['00000000-0000-4000-8000-000000000009']), {}, row!, campaign!.shopIds, true)).toBe(false);
  });
});
