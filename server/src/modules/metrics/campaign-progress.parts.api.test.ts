import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { sseMessages } from '../../../test/sse.js';
import { insertRollups } from './metrics.test-fixtures.js';

const sh = (local: string) => new Date(`${local}+08:00`);

const FIGURES = 'gmv target achievementRate plannedGmv pace projectedGmv remaining';
const PARTS = `query ($id: ID!) { campaign(id: $id) { shopParts { shop { name } gmvTarget progress { ${FIGURES} } } } }`;
const OWN_PROGRESS = `query ($id: ID!) { campaign(id: $id) { partial progress { ${FIGURES} } } }`;
const UPDATE = `mutation ($input: UpdateCampaignInput!) { updateCampaign(input: $input) { userErrors { code } } }`;

describeEachBackend('each shop’s part of a split campaign, with its progress (Campaign.shopParts)', (backend) => {
  let server: TestServer;
  const shops: Record<string, string> = {};
  let campaignId: string;

  beforeEach(async () => {
    const { db } = backend();
    shops.甲 = (await insertShop(db, '甲店')).id;
    shops.乙 = (await insertShop(db, '乙店', 'JD')).id;
    shops.丙 = (await insertShop(db, '丙店', 'DOUYIN')).id;
    // Double 11 day, ¥1,000,000 over 甲 ¥300,000, 乙 ¥500,000, 丙 ¥200,000; at 10:30 乙 holds the campaign back.
    const campaign = await insertCampaign(db, [shops.甲, shops.乙, shops.丙], '双11', { startsAt: sh('2026-11-11T00:00:00'), endsAt: sh('2026-11-12T00:00:00') });
    campaignId = gid('Campaign', campaign.id);
    await insertRollups(db, [
      { at: sh('2026-11-11T00:10:00'), shopId: shops.甲, campaignId: campaign.id, counters: { ordersPaid: 40, gmvFen: 9_000_000 } },
      { at: sh('2026-11-11T10:15:00'), shopId: shops.甲, campaignId: campaign.id, counters: { ordersPaid: 10, gmvFen: 3_000_000 } },
      { at: sh('2026-11-11T01:00:00'), shopId: shops.乙, channel: 'JD', campaignId: campaign.id, counters: { ordersPaid: 20, gmvFen: 4_000_000 } },
      { at: sh('2026-11-11T09:00:00'), shopId: shops.丙, channel: 'DOUYIN', campaignId: campaign.id, counters: { ordersPaid: 30, gmvFen: 7_000_000 } },
      // Not the campaign's, or before it opened: no part counts them.
      { at: sh('2026-11-11T02:00:00'), shopId: shops.乙, channel: 'JD', counters: { ordersPaid: 9, gmvFen: 99_000_000 } },
      { at: sh('2026-11-10T23:00:00'), shopId: shops.丙, channel: 'DOUYIN', campaignId: campaign.id, counters: { ordersPaid: 1, gmvFen: 55_500 } },
    ]);
    server = await startTestServer(backend(), { now: () => sh('2026-11-11T10:30:00'), tickMs: 3_600_000 });
  });
  afterEach(() => server.stop());

  const split = () =>
    server.gql(UPDATE, {
      input: {
        id: campaignId,
        shopTargets: [
          { shopId: gid('Shop', shops.甲!), gmvTarget: '300000' },
          { shopId: gid('Shop', shops.乙!), gmvTarget: '500000' },
          { shopId: gid('Shop', shops.丙!), gmvTarget: '200000' },
        ],
      },
    });
  const partnerOf = async (shop: string) => bearer(await server.createKey({ name: `${shop} ISV`, shopIds: [shops[shop]!], scopes: ['READ'] }));

  it('gives the admin every shop’s part, each with the figures that shop’s own viewer reads as the campaign’s progress', async () => {
    expect((await split()).data.updateCampaign.userErrors).toEqual([]);
    const result = await server.gql(PARTS, { id: campaignId });
    expect(result.errors).toBeUndefined();
    const parts = result.data.campaign.shopParts;
    expect(parts.map((p: { shop: { name: string }; gmvTarget: string }) => [p.shop.name, p.gmvTarget])).toEqual([
      ['甲店', '300000.00'],
      ['乙店', '500000.00'],
      ['丙店', '200000.00'],
    ]);
    for (const [i, shop] of ['甲', '乙', '丙'].entries()) {
      const own = await server.gql(OWN_PROGRESS, { id: campaignId }, await partnerOf(shop));
      expect(own.data.campaign.partial).toBe(true);
      expect(parts[i].progress).toEqual(own.data.campaign.progress);
    }
    expect(parts.map((p: { progress: { gmv: string } }) => p.progress.gmv)).toEqual(['120000.00', '40000.00', '70000.00']);
    expect(parts[0].progress.achievementRate).toBe(0.4);
    // By 10:30 the plan expects ~31.7 % of each part: 甲 and 丙 ahead of it, 乙 far behind.
    expect(parts[0].progress.pace).toBeGreaterThan(1);
    expect(parts[1].progress.pace).toBeCloseTo(40_000 / (500_000 * 0.3168), 2);
    expect(parts[2].progress.pace).toBeGreaterThan(1);
  });

  it('gives a one-shop partner their own part only', async () => {
    await split();
    const result = await server.gql(PARTS, { id: campaignId }, await partnerOf('乙'));
    expect(result.errors).toBeUndefined();
    expect(result.data.campaign.shopParts).toMatchObject([{ shop: { name: '乙店' }, gmvTarget: '500000.00', progress: { gmv: '40000.00', target: '500000.00', achievementRate: 0.08 } }]);
  });

  it('is null while the target is not split', async () => {
    const result = await server.gql(PARTS, { id: campaignId });
    expect(result.errors).toBeUndefined();
    expect(result.data.campaign.shopParts).toBeNull();
  });

  it('gives nothing to a caller who cannot see the campaign, and no figures to a key without READ', async () => {
    await split();
    const stranger = bearer(await server.createKey({ name: '丁店 ISV', shopIds: [(await insertShop(backend().db, '丁店')).id], scopes: ['READ'] }));
    expect((await server.gql(PARTS, { id: campaignId }, stranger)).data).toEqual({ campaign: null });
    // updateCampaign answers with the campaign to a MANAGE-only key: its parts' figures are refused as progress is.
    const manager = bearer(await server.createKey({ name: '改活动', scopes: ['MANAGE'] }));
    const answer = await server.gql(
      `mutation ($input: UpdateCampaignInput!) { updateCampaign(input: $input) { campaign { name shopParts { gmvTarget } } } }`,
      { input: { id: campaignId, name: '双11 全店' } },
      manager,
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(answer.data?.updateCampaign?.campaign?.shopParts ?? null).toBeNull();
  });

  it('streams the parts with the campaign’s progress, from the same instant', async () => {
    await split();
    const abort = new AbortController();
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${server.adminKey}` },
      body: JSON.stringify({
        query: `subscription ($id: ID!) { campaignProgress(campaignId: $id) { progress { gmv } campaign { shopParts { shop { name } progress { asOf gmv pace } } } } }`,
        variables: { id: campaignId },
      }),
      signal: abort.signal,
    });
    const first = (await sseMessages(response).next()).value!.data.campaignProgress;
    abort.abort();
    const queried = (await server.gql(PARTS, { id: campaignId })).data.campaign.shopParts;
    expect(first.progress.gmv).toBe('230000.00');
    expect(first.campaign.shopParts).toEqual(
      queried.map((p: { shop: { name: string }; progress: { gmv: string; pace: number } }) => ({ shop: p.shop, progress: { asOf: '2026-11-11T02:30:00.000Z', gmv: p.progress.gmv, pace: p.progress.pace } })),
    );
  });
});
