import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop, insertSku } from '../../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../../test/http.js';
import { alerts } from '../alert/alert.table.js';
import { skus } from './product.table.js';

const SET_RULE = /* GraphQL */ `
  mutation ($input: UpdateAlertRuleInput!) { updateAlertRule(input: $input) { setting { threshold source } userErrors { code } } }
`;

const SKUS = /* GraphQL */ `
  query ($filter: ProductFilter) {
    products(filter: $filter, first: 50) { totalCount edges { node { skus { code stock lowStockThreshold lowStockLine lowStock } } } }
  }
`;

interface SkuSeen {
  code: string;
  stock: number;
  lowStockThreshold: number;
  lowStockLine: number;
  lowStock: boolean;
}

/**
 * 库存预警 on the products page judged by the line the LOW_STOCK alert judges by: a shop's own line (20, 200),
 * a campaign's under way over it, else the SKU's own 50 — so the page and the alert on the same screen agree.
 */
describeEachBackend('low-stock lines in force', (backend) => {
  let server: TestServer;
  let clock: Date;
  let twenty: string;
  let twoHundred: string;
  let plain: string;
  let inCampaign: string;

  beforeEach(async () => {
    clock = new Date('2026-11-11T20:00:00+08:00');
    twenty = (await insertShop(backend().db, '二十店')).id;
    twoHundred = (await insertShop(backend().db, '二百店', 'JD')).id;
    plain = (await insertShop(backend().db, '默认店', 'PINDUODUO')).id;
    inCampaign = (await insertShop(backend().db, '活动店', 'DOUYIN')).id;
    server = await startTestServer(backend(), { now: () => clock });
    await stocked(twenty, 'A-30', 30);
    await stocked(twenty, 'A-20', 20);
    await stocked(twoHundred, 'B-150', 150);
    await stocked(twoHundred, 'B-250', 250);
    await stocked(plain, 'C-50', 50);
    await stocked(plain, 'C-60', 60);
    await stocked(inCampaign, 'D-70', 70);
  });
  afterEach(() => server.stop());

  async function stocked(shopId: string, code: string, stock: number) {
    const { sku } = await insertSku(backend().db, shopId, code);
    await backend().db.update(skus).set({ stock }).where(eq(skus.id, sku.id));
  }

  async function setLine(scope: { shopId?: string; campaignId?: string }, threshold: number) {
    const input = { rule: 'LOW_STOCK', threshold, ...(scope.shopId && { shopId: gid('Shop', scope.shopId) }), ...(scope.campaignId && { campaignId: gid('Campaign', scope.campaignId) }) };
    const result = await server.gql(SET_RULE, { input });
    expect(result.data.updateAlertRule.userErrors).toEqual([]);
  }

  async function seen(filter: Record<string, unknown> = {}): Promise<SkuSeen[]> {
    const result = await server.gql(SKUS, { filter });
    expect(result.errors).toBeUndefined();
    return result.data.products.edges.flatMap((e: { node: { skus: SkuSeen[] } }) => e.node.skus).sort((a: SkuSeen, b: SkuSeen) => (a.code < b.code ? -1 : 1));
  }

  it('a SKU is low at its shop’s LOW_STOCK line, or a campaign’s under way, and the filter, the field and the alert name the same SKUs', async () => {
    await setLine({ shopId: twenty }, 20);
    await setLine({ shopId: twoHundred }, 200);
    const double11 = await insertCampaign(backend().db, [inCampaign]);
    await setLine({ campaignId: double11.id }, 80);

    expect(await seen()).toEqual([
      { code: 'A-20', stock: 20, lowStockThreshold: 50, lowStockLine: 20, lowStock: true },
      { code: 'A-30', stock: 30, lowStockThreshold: 50, lowStockLine: 20, lowStock: false },
      { code: 'B-150', stock: 150, lowStockThreshold: 50, lowStockLine: 200, lowStock: true },
      { code: 'B-250', stock: 250, lowStockThreshold: 50, lowStockLine: 200, lowStock: false },
      { code: 'C-50', stock: 50, lowStockThreshold: 50, lowStockLine: 50, lowStock: true },
      { code: 'C-60', stock: 60, lowStockThreshold: 50, lowStockLine: 50, lowStock: false },
      { code: 'D-70', stock: 70, lowStockThreshold: 50, lowStockLine: 80, lowStock: true },
    ]);
    const low = ['A-20', 'B-150', 'C-50', 'D-70'];
    // One SKU a product here: the filter's products are the low SKUs, and only they.
    expect((await seen({ lowStock: true })).map((s) => s.code)).toEqual(low);
    expect((await server.gql(SKUS, { filter: { lowStock: true } })).data.products.totalCount).toBe(4);

    await server.app.alertEngine.evaluate();
    const raised = await backend().db.select({ subject: alerts.subject }).from(alerts).where(eq(alerts.rule, 'LOW_STOCK'));
    expect(raised.map((a) => a.subject.split(' ')[0]).sort()).toEqual(low);

    // Once the campaign is over, its shop is back on the SKU's own line.
    clock = new Date('2026-11-13T20:00:00+08:00');
    await setLine({ shopId: twenty }, 25);
    expect((await seen({ lowStock: true })).map((s) => s.code)).toEqual(['A-20', 'B-150', 'C-50']);
  });

  it('an installation-wide line holds for every shop without one of its own', async () => {
    await setLine({}, 55);
    await setLine({ shopId: twenty }, 20);
    // One SKU a product here: the filter's products are the low SKUs.
    expect((await seen({ lowStock: true })).map((s) => [s.code, s.lowStockLine, s.lowStock])).toEqual([
      ['A-20', 20, true],
      ['C-50', 55, true],
    ]);
  });

  it('reads the lines once for a page, not once per SKU', async () => {
    await setLine({ shopId: twenty }, 20);
    const count = async (query: string) => {
      const before = backend().database.queryCount();
      const result = await server.gql(query);
      expect(result.errors).toBeUndefined();
      return backend().database.queryCount() - before;
    };
    const plainPage = await count('{ products(first: 50) { edges { node { skus { code stock } } } } }');
    // A write moves the settings' generation: the next page reads them afresh, once.
    await setLine({ shopId: twoHundred }, 200);
    const withLines = await count('{ products(first: 50) { edges { node { skus { code stock lowStockLine lowStock } } } } }');
    expect(withLines - plainPage).toBe(1);
  });
});
