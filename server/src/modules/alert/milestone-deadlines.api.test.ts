import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop } from '../../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../../test/http.js';
import { campaignMilestones } from '../campaign/campaign.table.js';
import { alerts } from './alert.table.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const MILESTONES = /* GraphQL */ `
  query ($id: ID!) { campaign(id: $id) { milestones { name dueAt overdue overdueAt responsePlanDueAt responsePlanOverdue } } }
`;

interface Deadlines {
  name: string;
  dueAt: string;
  overdue: boolean;
  overdueAt: string;
  responsePlanDueAt: string | null;
  responsePlanOverdue: boolean;
}

/**
 * A milestone's 已逾期 and its response plan's deadline say what the alert engine judges: the campaign's
 * MILESTONE_OVERDUE grace and HIGH_RISK_WITHOUT_PLAN hours, not a fixed "past due" and 24 hours.
 */
describeEachBackend('milestone deadlines follow the alert rules', (backend) => {
  let server: TestServer;
  let clock: Date;
  let shopId: string;

  beforeEach(async () => {
    clock = new Date('2026-11-11T20:00:00+08:00');
    shopId = (await insertShop(backend().db, '旗舰店')).id;
    server = await startTestServer(backend(), { now: () => clock });
  });
  afterEach(() => server.stop());

  async function setRule(input: Record<string, unknown>) {
    const set = await server.gql(`mutation ($input: UpdateAlertRuleInput!) { updateAlertRule(input: $input) { userErrors { code } } }`, { input });
    expect(set.data.updateAlertRule.userErrors).toEqual([]);
  }

  async function deadlines(campaignId: string): Promise<Record<string, Deadlines>> {
    const result = await server.gql(MILESTONES, { id: gid('Campaign', campaignId) });
    expect(result.errors).toBeUndefined();
    return Object.fromEntries(result.data.campaign.milestones.map((m: Deadlines) => [m.name, m]));
  }

  const raised = async (rule: 'MILESTONE_OVERDUE' | 'HIGH_RISK_WITHOUT_PLAN') =>
    (await backend().db.select({ subject: alerts.subject }).from(alerts).where(eq(alerts.rule, rule))).map((a) => a.subject).sort();

  async function milestone(campaignId: string, name: string, extra: Partial<typeof campaignMilestones.$inferInsert>) {
    await backend().db.insert(campaignMilestones).values({ campaignId, name, owner: '张三', dueAt: new Date(clock.getTime() - 10 * MINUTE), completionStandard: '3 秒内打开', ...extra });
  }

  it('a milestone in its campaign’s grace is not 已逾期 until the alert fires, and says when that is', async () => {
    const graced = await insertCampaign(backend().db, [shopId], '双11');
    const plain = await insertCampaign(backend().db, [shopId], '双11返场');
    await setRule({ rule: 'MILESTONE_OVERDUE', campaignId: gid('Campaign', graced.id), threshold: 30 });
    await milestone(graced.id, '会场压测', {});
    await milestone(plain.id, '直播排期', {});

    const due = new Date(clock.getTime() - 10 * MINUTE);
    expect(await deadlines(graced.id)).toMatchObject({ 会场压测: { overdue: false, overdueAt: new Date(due.getTime() + 30 * MINUTE).toISOString() } });
    expect(await deadlines(plain.id)).toMatchObject({ 直播排期: { overdue: true, overdueAt: due.toISOString() } });
    await server.app.alertEngine.evaluate();
    expect(await raised('MILESTONE_OVERDUE')).toEqual(['双11返场 · 直播排期']);

    // The grace is over: the board and the alert turn together.
    clock = new Date(due.getTime() + 30 * MINUTE + 1);
    expect((await deadlines(graced.id))['会场压测']!.overdue).toBe(true);
    await server.app.alertEngine.evaluate();
    expect(await raised('MILESTONE_OVERDUE')).toEqual(['双11 · 会场压测', '双11返场 · 直播排期']);
  });

  it('a HIGH risk’s response plan is due after its campaign’s HIGH_RISK_WITHOUT_PLAN hours, when the alert fires; 24 by default', async () => {
    const strict = await insertCampaign(backend().db, [shopId], '双11');
    const plain = await insertCampaign(backend().db, [shopId], '双11返场');
    await setRule({ rule: 'HIGH_RISK_WITHOUT_PLAN', campaignId: gid('Campaign', strict.id), threshold: 4 });
    const since = new Date(clock.getTime() - 5 * HOUR);
    const later = { dueAt: new Date(clock.getTime() + 24 * HOUR), riskLevel: 'HIGH' as const, highRiskSince: since };
    await milestone(strict.id, '支付扩容', later);
    await milestone(plain.id, '仓配预案', later);

    expect(await deadlines(strict.id)).toMatchObject({ 支付扩容: { responsePlanDueAt: new Date(since.getTime() + 4 * HOUR).toISOString(), responsePlanOverdue: true } });
    expect(await deadlines(plain.id)).toMatchObject({ 仓配预案: { responsePlanDueAt: new Date(since.getTime() + 24 * HOUR).toISOString(), responsePlanOverdue: false } });
    await server.app.alertEngine.evaluate();
    expect(await raised('HIGH_RISK_WITHOUT_PLAN')).toEqual(['双11 · 支付扩容']);
  });

  it('the field and the alert turn at the same instant: not at exactly 24 h, a millisecond after', async () => {
    const campaign = await insertCampaign(backend().db, [shopId], '双11');
    const since = new Date(clock.getTime() - 24 * HOUR);
    await milestone(campaign.id, '支付扩容', { dueAt: new Date(clock.getTime() + 24 * HOUR), riskLevel: 'HIGH', highRiskSince: since });

    expect((await deadlines(campaign.id))['支付扩容']).toMatchObject({ responsePlanDueAt: clock.toISOString(), responsePlanOverdue: false });
    await server.app.alertEngine.evaluate();
    expect(await raised('HIGH_RISK_WITHOUT_PLAN')).toEqual([]);

    clock = new Date(clock.getTime() + 1);
    expect((await deadlines(campaign.id))['支付扩容']!.responsePlanOverdue).toBe(true);
    await server.app.alertEngine.evaluate();
    expect(await raised('HIGH_RISK_WITHOUT_PLAN')).toEqual(['双11 · 支付扩容']);
  });

  it('a milestone done while HIGH without a plan owes none: the field says so, as the alert does', async () => {
    const campaign = await insertCampaign(backend().db, [shopId], '双11');
    await milestone(campaign.id, '支付扩容', { dueAt: new Date(clock.getTime() + 24 * HOUR), riskLevel: 'HIGH', highRiskSince: new Date(clock.getTime() - 30 * HOUR) });
    await server.app.alertEngine.evaluate();
    expect(await raised('HIGH_RISK_WITHOUT_PLAN')).toEqual(['双11 · 支付扩容']);

    await backend().db.update(campaignMilestones).set({ status: 'DONE' }).where(eq(campaignMilestones.name, '支付扩容'));
    expect((await deadlines(campaign.id))['支付扩容']).toMatchObject({ responsePlanDueAt: null, responsePlanOverdue: false });
    await server.app.alertEngine.evaluate();
    const open = await backend().db.select({ status: alerts.status }).from(alerts).where(eq(alerts.rule, 'HIGH_RISK_WITHOUT_PLAN'));
    expect(open.map((a) => a.status)).toEqual(['RESOLVED']);
  });

  it('reads the settings once for a campaign’s milestones, not once per milestone', async () => {
    const campaign = await insertCampaign(backend().db, [shopId]);
    for (const name of ['一', '二', '三', '四']) await milestone(campaign.id, name, { riskLevel: 'HIGH', highRiskSince: clock });
    const count = async (query: string) => {
      const before = backend().database.queryCount();
      expect((await server.gql(query, { id: gid('Campaign', campaign.id) })).errors).toBeUndefined();
      return backend().database.queryCount() - before;
    };
    const names = await count(`query ($id: ID!) { campaign(id: $id) { milestones { name } } }`);
    expect((await count(MILESTONES)) - names).toBe(1);
  });
});
