import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { insertCampaign, insertCustomer, insertOrder, insertShop } from '../../../test/fixtures.js';
import { customers } from './customer.table.js';

const BACKFILL = readFileSync(new URL('../../../../migrations/0024_customers_first_order_campaign_backfill.sql', import.meta.url), 'utf8');

describeEachBackend('migration 0024: customers known before it take their first order\'s campaign', (backend) => {
  it('sets the campaign of the earliest paid order, leaves customers whose first order had none, and changes nothing when run again', async () => {
    const { db } = backend();
    const shop = await insertShop(db, '天猫店');
    const campaign = await insertCampaign(db, [shop.id]);
    const at = (day: number) => new Date(Date.UTC(2026, 10, day, 2));
    // Written as an instance before 0023 wrote them: no attribution on the customer.
    const viaCampaign = await insertCustomer(db, shop.id, 'via-campaign');
    await insertOrder(db, { shopId: shop.id, externalId: 'A2', customerId: viaCampaign.id, placedAt: at(5) });
    await insertOrder(db, { shopId: shop.id, externalId: 'A1', customerId: viaCampaign.id, placedAt: at(2), campaignId: campaign.id });
    const walkIn = await insertCustomer(db, shop.id, 'walk-in');
    await insertOrder(db, { shopId: shop.id, externalId: 'B1', customerId: walkIn.id, placedAt: at(1) });
    await insertOrder(db, { shopId: shop.id, externalId: 'B2', customerId: walkIn.id, placedAt: at(3), campaignId: campaign.id });
    // An order never paid is no first payment.
    const unpaid = await insertCustomer(db, shop.id, 'unpaid');
    await insertOrder(db, { shopId: shop.id, externalId: 'C1', customerId: unpaid.id, placedAt: at(1), campaignId: campaign.id, status: 'PLACED' });

    const attribution = async () =>
      Object.fromEntries((await db.select({ ext: customers.externalId, campaign: customers.firstOrderCampaignId }).from(customers)).map((c) => [c.ext, c.campaign]));
    await db.execute(sql.raw(BACKFILL));
    expect(await attribution()).toEqual({ 'via-campaign': campaign.id, 'walk-in': null, unpaid: null });

    await db.execute(sql.raw(BACKFILL));
    expect(await attribution()).toEqual({ 'via-campaign': campaign.id, 'walk-in': null, unpaid: null });
  });
});
