import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop } from '../../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../../test/http.js';
import { insertRollups } from '../metrics/metrics.test-fixtures.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const MOVE = `mutation ($input: UpdateCampaignInput!) { updateCampaign(input: $input) { campaign { startsAt progress { gmv } } userErrors { field code message } } }`;

describeEachBackend('moving the start of a campaign that has begun', (backend) => {
  let server: TestServer;
  let campaignId: string;
  let rowId: string;
  let shop: string;
  beforeEach(async () => {
    shop = (await insertShop(backend().db, '甲店')).id;
    // 双11 opened on 11.1 and runs to the 12th; it is the 5th.
    const campaign = await insertCampaign(backend().db, [shop]);
    rowId = campaign.id;
    campaignId = gid('Campaign', campaign.id);
    server = await startTestServer(backend(), { now: () => sh('2026-11-05T10:00:00') });
  });
  afterEach(() => server.stop());

  it('refuses a later start that would drop GMV it already counted, and takes an earlier one', async () => {
    await insertRollups(backend().db, [{ at: sh('2026-11-02T10:00:00'), shopId: shop, campaignId: rowId, counters: { ordersPaid: 3, gmvFen: 30_000 } }]);
    const later = await server.gql(MOVE, { input: { id: campaignId, startsAt: '2026-11-03T00:00:00+08:00' } });
    expect(later.data.updateCampaign).toEqual({
      campaign: null,
      userErrors: [{ field: ['input', 'startsAt'], code: 'INVALID_WINDOW', message: expect.stringContaining('a later start would drop them from its GMV') }],
    });
    const earlier = await server.gql(MOVE, { input: { id: campaignId, startsAt: '2026-10-31T00:00:00+08:00' } });
    expect(earlier.data.updateCampaign).toEqual({ campaign: { startsAt: '2026-10-30T16:00:00.000Z', progress: { gmv: '300.00' } }, userErrors: [] });
  });

  it('moves freely while nothing has been counted before the new start', async () => {
    await insertRollups(backend().db, [{ at: sh('2026-11-04T10:00:00'), shopId: shop, campaignId: rowId, counters: { ordersPaid: 1, gmvFen: 10_000 } }]);
    const later = await server.gql(MOVE, { input: { id: campaignId, startsAt: '2026-11-03T00:00:00+08:00' } });
    expect(later.data.updateCampaign).toEqual({ campaign: { startsAt: '2026-11-02T16:00:00.000Z', progress: { gmv: '100.00' } }, userErrors: [] });
  });
});
