import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { fenToYuan } from '../../lib/money.js';
import type { CampaignRow } from '../campaign/campaign.table.js';
import { planCurve, plannedFenAt, progressFigures } from './campaign-progress.js';
import { insertRollups } from './metrics.test-fixtures.js';

const sh = (local: string) => new Date(`${local}+08:00`);

const PROGRESS = `query ($id: ID!) { campaign(id: $id) { progress {
  asOf gmv target achievementRate plannedGmv pace projectedGmv remaining
  curve { at plannedGmv cumulativePlannedGmv actualGmv cumulativeActualGmv }
} } }`;

describeEachBackend('campaign progress against plan', (backend) => {
  let server: TestServer;
  let campaign: CampaignRow;
  let clock: Date;
  const progress = async () => {
    const result = await server.gql(PROGRESS, { id: gid('Campaign', campaign.id) });
    expect(result.errors).toBeUndefined();
    return result.data.campaign.progress;
  };

  beforeEach(async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫旗舰店');
    // 双11 day, ¥1,000,000 target, default Double 11 shape.
    campaign = await insertCampaign(db, [shop.id], '双11', { startsAt: sh('2026-11-11T00:00:00'), endsAt: sh('2026-11-12T00:00:00') });
    await insertRollups(db, [
      { at: sh('2026-11-11T00:10:00'), shopId: shop.id, campaignId: campaign.id, counters: { ordersPaid: 40, gmvFen: 10_000_000 } },
      { at: sh('2026-11-11T10:15:00'), shopId: shop.id, campaignId: campaign.id, counters: { ordersPaid: 20, gmvFen: 5_000_000 } },
      // Not attributed to the campaign, or before it opened: never counted.
      { at: sh('2026-11-11T01:00:00'), shopId: shop.id, counters: { ordersPaid: 1, gmvFen: 99_999_999 } },
      { at: sh('2026-11-10T23:59:00'), shopId: shop.id, campaignId: campaign.id, counters: { ordersPaid: 1, gmvFen: 1_234 } },
    ]);
    clock = sh('2026-11-11T10:30:00');
    server = await startTestServer(backend(), { now: () => clock });
  });
  afterEach(() => server.stop());

  it('compares actual GMV at 10:30 with the plan, and projects the final GMV from the pace', async () => {
    const plannedFen = plannedFenAt(planCurve(campaign), clock);
    // By 10:30 the default shape has planned 33.2 of its 104.8 daily weight: about ¥316,793.89.
    expect(Math.abs(plannedFen - 31_679_389)).toBeLessThanOrEqual(12);
    const expected = progressFigures({ actualFen: 15_000_000, plannedFen, targetFen: 100_000_000, ended: false });
    const result = await progress();
    expect(result).toMatchObject({
      asOf: '2026-11-11T02:30:00.000Z',
      gmv: '150000.00',
      target: '1000000.00',
      achievementRate: 0.15,
      plannedGmv: fenToYuan(plannedFen),
      pace: 15_000_000 / plannedFen,
      projectedGmv: fenToYuan(expected.projectedFen!),
      remaining: '850000.00',
    });
    expect(result.pace).toBeCloseTo(0.4735, 3); // behind plan: the midnight spike was weak
  });

  it('draws one point per Shanghai hour, with actuals up to the current hour and none after', async () => {
    const { curve } = await progress();
    expect(curve).toHaveLength(24);
    expect(curve[0]).toMatchObject({ at: '2026-11-10T16:00:00.000Z', actualGmv: '100000.00', cumulativeActualGmv: '100000.00' });
    expect(curve[5]).toMatchObject({ actualGmv: '0.00', cumulativeActualGmv: '100000.00' });
    expect(curve[10]).toMatchObject({ at: '2026-11-11T02:00:00.000Z', actualGmv: '50000.00', cumulativeActualGmv: '150000.00' });
    expect(curve[11]).toMatchObject({ actualGmv: null, cumulativeActualGmv: null });
    expect(curve[23].cumulativePlannedGmv).toBe('1000000.00');
    expect(Number(curve[0].plannedGmv)).toBeGreaterThan(Number(curve[4].plannedGmv));
  });

  it('keeps the cumulative plan at the target\'s exact share at the end of every day', async () => {
    // Six days of ¥1,000,000: each evening's cumulative is d/6 of it, rounded to the fen, as the retrospective
    // and its Excel show it (¥166,666.67 after day 1, ¥333,333.33 after day 2), never a fen or more over.
    const shop = await insertShop(backend().db, '京东旗舰店');
    const sixDays = await insertCampaign(backend().db, [shop.id], '六日', { startsAt: sh('2026-11-01T00:00:00'), endsAt: sh('2026-11-07T00:00:00') });
    const result = await server.gql(PROGRESS, { id: gid('Campaign', sixDays.id) });
    expect(result.errors).toBeUndefined();
    const curve: { cumulativePlannedGmv: string }[] = result.data.campaign.progress.curve;
    expect(curve).toHaveLength(144);
    const evenings = [1, 2, 3, 4, 5, 6].map((d) => curve[d * 24 - 1]!.cumulativePlannedGmv);
    expect(evenings).toEqual(['166666.67', '333333.33', '500000.00', '666666.67', '833333.33', '1000000.00']);
  });

  it('has nothing planned, no pace and no projection before the campaign opens', async () => {
    clock = sh('2026-11-10T12:00:00');
    const result = await progress();
    expect(result).toMatchObject({ gmv: '0.00', plannedGmv: '0.00', pace: null, projectedGmv: null, achievementRate: 0, remaining: '1000000.00' });
    expect(result.curve.every((p: { actualGmv: string | null }) => p.actualGmv === null)).toBe(true);
  });

  it('projects exactly the actual GMV once the campaign has ended', async () => {
    clock = sh('2026-11-13T09:00:00');
    expect(await progress()).toMatchObject({
      gmv: '150000.00',
      plannedGmv: '1000000.00',
      pace: 0.15,
      projectedGmv: '150000.00',
      achievementRate: 0.15,
    });
  });

  it('reports achievement above 100% without capping it', async () => {
    const { db } = backend();
    await insertRollups(db, [{ at: sh('2026-11-11T09:00:00'), shopId: campaign.shopIds[0]!, campaignId: campaign.id, counters: { gmvFen: 110_000_000 } }]);
    expect(await progress()).toMatchObject({ gmv: '1250000.00', achievementRate: 1.25, remaining: '0.00' });
  });

  it("gives the campaign's metrics over its own window by default, or over the window asked for", async () => {
    const result = await server.gql(
      `query ($id: ID!) { campaign(id: $id) {
        all: metrics { from to gmv orders }
        morning: metrics(from: "2026-11-11T10:00:00+08:00", to: "2026-11-11T11:00:00+08:00") { gmv series(interval: HOUR) { gmv } }
      } }`,
      { id: gid('Campaign', campaign.id) },
    );
    expect(result.data.campaign).toEqual({
      all: { from: '2026-11-10T16:00:00.000Z', to: '2026-11-11T16:00:00.000Z', gmv: '150000.00', orders: 60 },
      morning: { gmv: '50000.00', series: [{ gmv: '50000.00' }] },
    });
  });

  it('rejects campaign metrics over a window that ends before it starts', async () => {
    const result = await server.gql(
      `query ($id: ID!) { campaign(id: $id) { metrics(from: "2026-11-11T12:00:00+08:00", to: "2026-11-11T11:00:00+08:00") { gmv } } }`,
      { id: gid('Campaign', campaign.id) },
    );
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_WINDOW' } });
  });
  it("sets today against today's share of the plan, and says what the rest must sell at, for the campaign's viewers only", async () => {
    const { db } = backend();
    const shop = await insertShop(db, '京东店', 'JD');
    // 11.9 12:00 – 11.12 00:00, ¥1,000,000: its first day starts at noon.
    const multi = await insertCampaign(db, [shop.id], '双11 预热', { startsAt: sh('2026-11-09T12:00:00'), endsAt: sh('2026-11-12T00:00:00') });
    await insertRollups(db, [
      { at: sh('2026-11-09T20:00:00'), shopId: shop.id, campaignId: multi.id, counters: { ordersPaid: 10, gmvFen: 3_000_000 } },
      { at: sh('2026-11-10T09:00:00'), shopId: shop.id, campaignId: multi.id, counters: { ordersPaid: 30, gmvFen: 12_000_000 } },
      { at: sh('2026-11-10T13:59:00'), shopId: shop.id, campaignId: multi.id, counters: { ordersPaid: 1, gmvFen: 50_000 } },
      { at: sh('2026-11-10T14:30:00'), shopId: shop.id, campaignId: multi.id, counters: { ordersPaid: 1, gmvFen: 70_000 } }, // after now
    ]);
    const QUERY = `query ($id: ID!) { campaign(id: $id) { progress { gmv plannedGmv remaining requiredPace today { date from gmv plannedGmv pace } } } }`;
    const read = async (headers?: Record<string, string>) => (await server.gql(QUERY, { id: gid('Campaign', multi.id) }, headers)).data.campaign?.progress;
    const plan = planCurve(multi);

    clock = sh('2026-11-10T14:00:00');
    const todayPlannedFen = plannedFenAt(plan, clock) - plannedFenAt(plan, sh('2026-11-10T00:00:00'));
    const cumulative = progressFigures({ actualFen: 15_050_000, plannedFen: plannedFenAt(plan, clock), targetFen: 100_000_000, ended: false });
    const now = await read();
    expect(now).toMatchObject({ gmv: '150500.00', remaining: '849500.00', requiredPace: cumulative.requiredPace });
    expect(now.requiredPace).toBeCloseTo((100_000_000 - 15_050_000) / (100_000_000 - plannedFenAt(plan, clock)), 12);
    expect(now.today).toEqual({ date: '2026-11-10', from: sh('2026-11-10T00:00:00').toISOString(), gmv: '120500.00', plannedGmv: fenToYuan(todayPlannedFen), pace: 12_050_000 / todayPlannedFen });

    // Today comes from the hourly curve: asking for both reads the rollups no more than the curve alone.
    const counted = async (fields: string) => {
      const before = backend().database.queryCount();
      await server.gql(`query ($id: ID!) { campaign(id: $id) { progress { ${fields} } } }`, { id: gid('Campaign', multi.id) });
      return backend().database.queryCount() - before;
    };
    expect(await counted('curve { actualGmv } today { gmv }')).toBe(await counted('curve { actualGmv }'));

    // Its first day counts from its start, not from midnight.
    clock = sh('2026-11-09T21:00:00');
    expect((await read()).today).toMatchObject({ date: '2026-11-09', from: sh('2026-11-09T12:00:00').toISOString(), gmv: '30000.00', plannedGmv: fenToYuan(plannedFenAt(plan, clock)) });
    // Before the start and after the end there is no campaign day; short at the end, no multiple can be asked.
    clock = sh('2026-11-09T11:00:00');
    expect((await read()).today).toBeNull();
    clock = sh('2026-11-12T08:00:00');
    expect(await read()).toMatchObject({ today: null, requiredPace: null });

    // A key over another merchant's shop is not shown the campaign at all.
    const stranger = await server.createKey({ scopes: ['READ'], shopIds: [campaign.shopIds[0]!] });
    expect(await read(bearer(stranger))).toBeUndefined();
  });
});
