import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { insertCampaign, insertShop, partnerViewer } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { campaigns } from '../campaign/campaign.table.js';
import { eq } from 'drizzle-orm';
import { alerts } from './alert.table.js';
import { recordEvent } from './alert.lifecycle.js';
import { alertMatches, raiseAlert } from './alert.service.js';
import { campaignPartOf } from '../campaign/campaign.part.js';
import { planCurve, plannedFenAt } from '../metrics/campaign-progress.js';
import { insertRollups } from '../metrics/metrics.test-fixtures.js';

const LIST = `{ alerts { totalCount edges { node { rule } } } }`;

describeEachBackend('a campaign’s alerts to a caller who sees it in part', (backend) => {
  let server: TestServer;
  let shopA: string;
  let shopB: string;
  let campaignId: string;
  beforeEach(async () => {
    const { db } = backend();
    shopA = (await insertShop(db, '甲店')).id;
    shopB = (await insertShop(db, '乙店', 'JD')).id;
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

    // Seen in part, claimed by whoever sees the whole campaign: the partner's claim is refused and changes nothing.
    const ACK = `mutation ($id: ID!) { acknowledgeAlert(input: { id: $id }) { alert { status acknowledgedBy } userErrors { field code } } }`;
    const milestone = (await server.gql(`{ alerts(filter: { rules: [MILESTONE_OVERDUE] }) { edges { node { id } } } }`, {}, partner)).data.alerts.edges[0].node.id;
    const manager = bearer(await server.createKey({ name: '甲店运营', shopIds: [shopA], scopes: ['READ', 'MANAGE'] }));
    expect((await server.gql(ACK, { id: milestone }, manager)).data.acknowledgeAlert).toEqual({ alert: null, userErrors: [{ field: ['input', 'id'], code: 'FORBIDDEN' }] });
    const both = bearer(await server.createKey({ name: '总部', shopIds: [shopA, shopB], scopes: ['READ', 'MANAGE'] }));
    expect((await server.gql(ACK, { id: milestone }, both)).data.acknowledgeAlert).toEqual({ alert: { status: 'ACKNOWLEDGED', acknowledgedBy: '总部' }, userErrors: [] });
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

describeEachBackend('a split campaign’s pace, shop by shop', (backend) => {
  let server: TestServer;
  let clock = new Date('2026-11-11T20:00:00+08:00');
  let shopA: string;
  let shopB: string;
  let campaignId: string;
  const PACE = `{ alerts(filter: { rules: [GMV_BEHIND_PACE] }) { edges { node { subject message severity shop { name } } } } }`;

  beforeEach(async () => {
    clock = new Date('2026-11-11T20:00:00+08:00');
    const { db } = backend();
    shopA = (await insertShop(db, '甲店')).id;
    shopB = (await insertShop(db, '乙店', 'JD')).id;
    const campaign = await insertCampaign(db, [shopA, shopB], '双11', { startsAt: new Date('2026-11-11T00:00:00+08:00'), endsAt: new Date('2026-11-12T00:00:00+08:00') });
    campaignId = campaign.id;
    // ¥1,000,000 split ¥600,000 / ¥400,000.
    const [split] = await db
      .update(campaigns)
      .set({ shopTargetsFen: { [shopA]: 60_000_000, [shopB]: 40_000_000 } })
      .where(eq(campaigns.id, campaignId))
      .returning();
    // At 20:05, when the pace has held its five minutes: 甲 exactly on its part's plan, 乙 at half of its
    // part's, the whole at 80 % of its plan.
    const judgedAt = new Date(clock.getTime() + 5 * 60_000);
    const planned = (shopIds: string[]) => plannedFenAt(planCurve(campaignPartOf(split!, shopIds)), judgedAt);
    await insertRollups(db, [
      { at: new Date('2026-11-11T10:00:00+08:00'), shopId: shopA, campaignId, counters: { ordersPaid: 10, gmvFen: planned([shopA]) } },
      { at: new Date('2026-11-11T10:00:00+08:00'), shopId: shopB, campaignId, channel: 'JD', counters: { ordersPaid: 5, gmvFen: Math.round(planned([shopB]) / 2) } },
    ]);
    server = await startTestServer(backend(), { now: () => clock });
  });
  afterEach(() => server.stop());

  const evaluateAfterSustain = async () => {
    await server.app.alertEngine.evaluate();
    clock = new Date(clock.getTime() + 5 * 60_000);
    return server.app.alertEngine.evaluate();
  };
  const subjects = (result: { data?: { alerts: { edges: { node: { subject: string } }[] } } }) => result.data!.alerts.edges.map((e) => e.node.subject).sort();

  it('tells each shop’s own team of its part behind plan, and the room which shop holds the whole back', async () => {
    const raised = await evaluateAfterSustain();
    expect(raised.map((e) => [e.alert.rule, e.alert.subject, e.alert.severity]).sort()).toEqual([
      ['GMV_BEHIND_PACE', '双11 · 乙店', 'CRITICAL'],
      ['GMV_BEHIND_PACE', '双11', 'WARNING'],
    ]);
    const part = raised.find((e) => e.alert.shopId === shopB)!;
    expect(part.alert).toMatchObject({ campaignId, dedupeKey: `GMV_BEHIND_PACE:${campaignId}:${shopB}`, value: 0.5 });
    expect(part.shopIds).toEqual([shopB]);

    // 乙's team reads its own part only, with its own figures; 甲's team, on plan, is told nothing.
    const teamB = bearer(await server.createKey({ name: '乙店', shopIds: [shopB], scopes: ['READ'] }));
    const seenByB = (await server.gql(PACE, {}, teamB)).data.alerts.edges;
    expect(seenByB.map((e: { node: object }) => e.node)).toEqual([{ subject: '双11 · 乙店', message: expect.stringContaining('进度 50.0%'), severity: 'CRITICAL', shop: { name: '乙店' } }]);
    const teamA = bearer(await server.createKey({ name: '甲店', shopIds: [shopA], scopes: ['READ'] }));
    expect(subjects(await server.gql(PACE, {}, teamA))).toEqual([]);
    expect(subjects(await server.gql(PACE))).toEqual(['双11', '双11 · 乙店']);
  });

  it('judges no part once the split is removed, and resolves the part’s alert', async () => {
    await evaluateAfterSustain();
    await backend().db.update(campaigns).set({ shopTargetsFen: null }).where(eq(campaigns.id, campaignId));
    await server.app.alertEngine.evaluate();
    clock = new Date(clock.getTime() + 6 * 60_000);
    const later = await server.app.alertEngine.evaluate();
    expect(later.map((e) => [e.change, e.alert.subject])).toEqual([['RESOLVED', '双11 · 乙店']]);
  });
});
