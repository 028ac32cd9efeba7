import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { launch, openConsole, product, SHOP, sku } from '../../../test/console';
import { MAY_MANAGE, NOW_WALL } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type { ProductFilter, ProductRow, ProductsQuery, UpdateSkuStockMutation } from './products.documents';
import { expectAlertFollowsToggle, refusedAnswer } from '../../../test/refusals';

useMockApi();

// 2 of its 3 SKUs sold in the window: 动销率 66.66…%, which reads 66.6 % (cut, not rounded up).
const tee = product({
  id: 'UHJvZHVjdDox',
  name: '纯棉T恤',
  role: 'TRAFFIC',
  sellThrough: 2 / 3,
  slowMoving: false,
  skus: [
    sku({ id: 's-1', code: 'TS-001', spec: '黑色 M', stock: 125, averageDailyUnitsSold: 112 / 30, inventoryDays: 125 / (112 / 30) }),
    sku({ id: 's-2', code: 'TS-002', spec: '白色 L', stock: 0, lowStock: true, averageDailyUnitsSold: 128 / 30, inventoryDays: 0 }),
    sku({ id: 's-3', code: 'TS-003', spec: '灰色 XL', stock: 40, lowStock: true, averageDailyUnitsSold: 0, inventoryDays: null }),
  ],
});
const coat = product({
  id: 'UHJvZHVjdDoy',
  name: '羽绒服',
  role: 'PROFIT',
  sellThrough: 0,
  slowMoving: true,
  skus: [sku({ id: 's-4', code: 'DJ-01', spec: '藏青 L', stock: 80, averageDailyUnitsSold: 0, inventoryDays: null })],
});
// Listed last week: the 滞销 rule does not judge it yet.
const hoodie = product({
  id: 'UHJvZHVjdDoz',
  name: '新款卫衣',
  role: 'IMAGE',
  sellThrough: 1,
  slowMoving: null,
  skus: [sku({ id: 's-5', code: 'HD-01', spec: '米白 S', stock: 200, averageDailyUnitsSold: 1 / 30, inventoryDays: 6_000 })],
});

type Answer = ResultOf<typeof ProductsQuery>;

/** Answers ConsoleProducts: the slow movers, the low-stock products, or `all` (41, in pages); returns what each question asked. */
function answerProducts(all: readonly ProductRow[] = [tee, coat, hoodie]) {
  const asked: { filter: ProductFilter; after: string | null | undefined }[] = [];
  server.use(
    api.query<Answer, VariablesOf<typeof ProductsQuery>>('ConsoleProducts', ({ variables }) => {
      asked.push({ filter: variables.filter, after: variables.after });
      const [list, totalCount] = variables.filter.slowMoving ? [[coat], 1] : variables.filter.lowStock ? [[tee], 1] : [all, 41];
      return HttpResponse.json({
        data: { products: { totalCount, pageInfo: { hasNextPage: totalCount > list.length, endCursor: `cursor-after-${list.at(-1)!.id}` }, edges: list.map((node) => ({ node })) } },
      });
    }),
  );
  return asked;
}

const productRow = (name: string) => screen.getAllByTestId('product').find((p) => within(p).getByRole('rowheader').textContent?.startsWith(name))!;
const skuCells = (row: HTMLElement, testId: string) => within(row).getAllByTestId(testId).map((c) => c.textContent);

describe('the products page (商品库存)', () => {
  it('lists the first shop’s products with 动销率 cut to one decimal, 滞销, stock and 库存周转天数', async () => {
    const asked = answerProducts();
    openConsole('/console/products');
    await waitFor(() => expect(screen.getAllByTestId('product')).toHaveLength(3));
    expect(asked).toEqual([{ filter: { shopIds: [SHOP.id] }, after: null }]);
    expect(screen.getByTestId('product-total')).toHaveTextContent('共 41 个商品');

    const teeRow = productRow('纯棉T恤');
    expect(within(teeRow).getByRole('rowheader')).toHaveTextContent('纯棉T恤3 个 SKU');
    expect(teeRow).toHaveTextContent('引流款');
    expect(teeRow).toHaveTextContent('在售');
    expect(within(teeRow).getByTestId('sell-through')).toHaveTextContent('66.6%');
    expect(within(teeRow).getByTestId('slow-moving')).toBeEmptyDOMElement();
    expect(skuCells(teeRow, 'sku-name')).toEqual(['TS-001黑色 M', 'TS-002白色 L', 'TS-003灰色 XL']);
    expect(skuCells(teeRow, 'sku-stock')).toEqual(['125', '0库存预警', '40库存预警']);
    expect(within(teeRow).getAllByTestId('low-stock-mark')[0]).toHaveAttribute('title', '库存不高于预警阈值 50');
    expect(skuCells(teeRow, 'sku-daily-units')).toEqual(['3.73', '4.27', '0.00']);
    // 125 units at 112 / 30 a day last 33.48 days; the sold-out SKU is 缺货, the one that never sold 未动销.
    expect(skuCells(teeRow, 'sku-inventory-days')).toEqual(['33.5 天', '缺货', '未动销']);

    const coatRow = productRow('羽绒服');
    expect(coatRow).toHaveTextContent('利润款');
    expect(within(coatRow).getByTestId('sell-through')).toHaveTextContent('0.0%');
    expect(within(coatRow).getByTestId('slow-moving')).toHaveTextContent('滞销');

    const hoodieRow = productRow('新款卫衣');
    expect(within(hoodieRow).getByTestId('slow-moving')).toHaveTextContent('—');
    expect(within(within(hoodieRow).getByTestId('slow-moving')).getByLabelText(/^新品\/不适用/)).toBeInTheDocument();
    // One unit in 30 days is 0.03 a day, not a 0.0 that reads as unsold.
    expect(skuCells(hoodieRow, 'sku-daily-units')).toEqual(['0.03']);
    // 6,000 days of cover says only that it is over a year; the exact figure is its tooltip.
    expect(skuCells(hoodieRow, 'sku-inventory-days')).toEqual(['> 365 天']);
    expect(within(hoodieRow).getByTestId('sku-inventory-days')).toHaveAttribute('title', '6,000.0 天');
  });

  it('滞销 asks for slowMoving: true and 库存预警 for lowStock: true, each from its first page', async () => {
    const asked = answerProducts();
    openConsole('/console/products');
    await waitFor(() => expect(screen.getAllByTestId('product')).toHaveLength(3));
    fireEvent.click(screen.getByRole('button', { name: '下一页' }));
    await waitFor(() => expect(asked).toHaveLength(2));
    expect(asked[1]).toEqual({ filter: { shopIds: [SHOP.id] }, after: `cursor-after-${hoodie.id}` });

    fireEvent.click(screen.getByRole('button', { name: '滞销' }));
    await waitFor(() => expect(screen.getAllByTestId('product')).toHaveLength(1));
    expect(asked.at(-1)).toEqual({ filter: { shopIds: [SHOP.id], slowMoving: true }, after: null });
    expect(new URLSearchParams(location.search).get('filter')).toBe('slowMoving');
    expect(screen.getByRole('button', { name: '滞销' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByRole('heading', { level: 3 })).toHaveTextContent('滞销商品共 1 个商品');
    expect(productRow('羽绒服')).toHaveTextContent('未动销');

    fireEvent.click(screen.getByRole('button', { name: '库存预警' }));
    await waitFor(() => expect(asked.at(-1)).toEqual({ filter: { shopIds: [SHOP.id], lowStock: true }, after: null }));
    await waitFor(() => expect(screen.getAllByTestId('product').map((p) => within(p).getByRole('rowheader').textContent)).toEqual(['纯棉T恤3 个 SKU']));

    fireEvent.click(screen.getByRole('button', { name: '全部' }));
    await waitFor(() => expect(screen.getAllByTestId('product')).toHaveLength(3));
    expect(new URLSearchParams(location.search).has('filter')).toBe(false);
  });

  it('marks 库存预警 at the line the LOW_STOCK alert uses (the shop’s 200), not the SKU’s own 50, and says that line', async () => {
    const stocked = product({ id: 'UHJvZHVjdDo0', name: '双11爆款', skus: [sku({ id: 's-6', code: 'BK-01', stock: 150, lowStock: true, lowStockLine: 200 })] });
    answerProducts([stocked]);
    openConsole('/console/products');
    await waitFor(() => expect(screen.getAllByTestId('product')).toHaveLength(1));
    const row = productRow('双11爆款');
    expect(skuCells(row, 'sku-stock')).toEqual(['150库存预警']);
    expect(within(row).getByTestId('low-stock-mark')).toHaveAttribute('title', '库存不高于预警阈值 200');
  });

  it('shows the first shop the caller can see when ?shop= names one it cannot (an address kept from another credential)', async () => {
    const asked = answerProducts();
    openConsole('/console/products?shop=U2hvcDo5OQ%3D%3D');
    await waitFor(() => expect(screen.getAllByTestId('product')).toHaveLength(3));
    expect(asked).toEqual([{ filter: { shopIds: [SHOP.id] }, after: null }]);
    expect(screen.getByTestId<HTMLSelectElement>('product-shop')).toHaveValue(SHOP.id);
  });

  it('reads in English: counts in the singular and plural, Out of stock and No sales', async () => {
    const asked = answerProducts();
    openConsole('/console/products?lang=en');
    await waitFor(() => expect(screen.getAllByTestId('product')).toHaveLength(3));
    expect(screen.getByTestId('product-total')).toHaveTextContent(/^41 products$/);
    const teeRow = productRow('纯棉T恤');
    expect(within(teeRow).getByRole('rowheader')).toHaveTextContent('纯棉T恤3 SKUs');
    expect(teeRow).toHaveTextContent('Traffic driver');
    expect(teeRow).toHaveTextContent('On sale');
    expect(skuCells(teeRow, 'sku-stock')).toEqual(['125', '0Low stock', '40Low stock']);
    expect(skuCells(teeRow, 'sku-inventory-days')).toEqual(['33.5 d', 'Out of stock', 'No sales']);
    expect(within(productRow('新款卫衣')).getByRole('rowheader')).toHaveTextContent('新款卫衣1 SKU');
    expect(within(productRow('新款卫衣')).getByLabelText(/^New or not applicable/)).toHaveTextContent('—');

    fireEvent.click(screen.getByRole('button', { name: 'Slow movers' }));
    await waitFor(() => expect(screen.getAllByTestId('product')).toHaveLength(1));
    expect(asked.at(-1)?.filter).toEqual({ shopIds: [SHOP.id], slowMoving: true });
    expect(screen.getByTestId('product-total')).toHaveTextContent(/^1 product$/);
    const coatRow = productRow('羽绒服');
    expect(within(coatRow).getByTestId('slow-moving')).toHaveTextContent('Slow mover');
    expect(within(coatRow).getByTestId('sell-through')).toHaveTextContent('0.0%');
    expect(skuCells(coatRow, 'sku-inventory-days')).toEqual(['No sales']);
  });

  it('says why the list could not be loaded in the language the console is toggled to', async () => {
    server.use(
      api.query('ConsoleProducts', refusedAnswer('your credential does not cover this shop', '你的凭证未覆盖此店铺'),
      ),
    );
    openConsole('/console/products');
    await expectAlertFollowsToggle(/^加载失败：你的凭证未覆盖此店铺$/, /^Failed to load: \[GraphQL\] your credential does not cover this shop$/, '店铺');
  });

  it('says why the shops could not be loaded in the language the console is toggled to', async () => {
    openConsole('/console/products', {
      shops: refusedAnswer('this credential may not read shops', '此凭据无权查看店铺'),
    });
    await expectAlertFollowsToggle(/^加载失败：此凭据无权查看店铺$/, /^Failed to load: \[GraphQL\] this credential may not read shops$/);
  });
});

// Double 11, 12:00:30 in Beijing (NOW_WALL), on the console's clock; 30 days after creation is 23 after the trial's end.
const trial = product({ id: 'UHJvZHVjdDo0', name: '速干运动裤', slowMoving: null, launch: launch({ endsAt: '2026-11-15T02:00:00Z', complete: false, visitors: 180, buyers: 0, conversionRate: 0, verdict: null }) });
const promoted = product({ id: 'UHJvZHVjdDo1', name: '保温杯', slowMoving: null, launch: launch({ endsAt: '2026-11-01T02:00:00Z', visitors: 500, buyers: 20, conversionRate: 0.04, verdict: 'PROMOTE' }) });
// 8 of 270 is 2.96 %: cut to 2.9 %, not rounded to a 3.0 % that would read as the promote line. Ended 22 days ago: still shown.
const delisted = product({ id: 'UHJvZHVjdDo2', name: '帆布包', slowMoving: null, launch: launch({ endsAt: '2026-10-20T02:00:00Z', visitors: 270, buyers: 8, conversionRate: 8 / 270, verdict: 'DELIST_CANDIDATE' }) });
const unseen = product({ id: 'UHJvZHVjdDo3', name: '丝巾', slowMoving: null, launch: launch({ endsAt: '2026-11-05T02:00:00Z', visitors: 0, buyers: 0, conversionRate: null, verdict: null }) });
// Created 30 days and 2 hours ago: its old verdict is no longer shown, the 滞销 rule judges it.
const old = product({ id: 'UHJvZHVjdDo4', name: '羊毛大衣', launch: launch({ endsAt: '2026-10-19T02:00:00Z', conversionRate: 0.06, verdict: 'PROMOTE' }) });

describe('新品 7 天转化 on the products page', () => {
  // Only Date is faked: msw, urql and waitFor keep their real timers.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW_WALL);
  });
  afterEach(() => vi.useRealTimers());

  const launchCell = (name: string) => within(productRow(name)).getByTestId('new-product');

  it('shows 试销中, 推广, 下架候选 and 无浏览数据 for 30 days after creation, a grey — after, and reads in English', async () => {
    answerProducts([trial, promoted, delisted, unseen, old]);
    openConsole('/console/products');
    await waitFor(() => expect(screen.getAllByTestId('product')).toHaveLength(5));
    expect(screen.getByRole('columnheader', { name: '新品 7 天转化' })).toBeInTheDocument();

    expect(launchCell('速干运动裤')).toHaveTextContent(/^试销中0\.0%至 11月15日$/);
    expect(within(launchCell('速干运动裤')).getByTestId('new-product-mark')).toHaveAttribute('aria-label', expect.stringMatching(/^试销中：/));

    const promote = within(launchCell('保温杯')).getByTestId('new-product-mark');
    expect(launchCell('保温杯')).toHaveTextContent(/^推广4\.0%$/);
    expect(promote).toHaveClass('tag', 'good');
    expect(promote).toHaveAttribute('aria-label', '推广：新品上架 7 天转化率不低于 3%');
    expect(within(launchCell('保温杯')).getByTitle('买家 20 / 访客 500')).toHaveTextContent('4.0%');

    const delist = within(launchCell('帆布包')).getByTestId('new-product-mark');
    expect(launchCell('帆布包')).toHaveTextContent(/^下架候选2\.9%$/);
    expect(delist).toHaveClass('tag', 'warn');
    expect(delist).toHaveAttribute('aria-label', '下架候选：新品上架 7 天转化率低于 3%');

    expect(launchCell('丝巾')).toHaveTextContent(/^无浏览数据$/);
    expect(within(launchCell('丝巾')).getByLabelText(/^无浏览数据：/)).toHaveAttribute('data-testid', 'new-product-mark');

    expect(launchCell('羊毛大衣')).toHaveTextContent(/^—$/);
    expect(within(launchCell('羊毛大衣')).getByLabelText(/^上架已满 30 天/)).toBeInTheDocument();

    fireEvent.click(screen.getByTestId('lang-toggle'));
    await waitFor(() => expect(screen.getByRole('columnheader', { name: 'New product, 7 days' })).toBeInTheDocument());
    expect(launchCell('帆布包')).toHaveTextContent(/^Delist candidate2\.9%$/);
    expect(launchCell('速干运动裤')).toHaveTextContent(/^In trial0\.0%until Nov 15$/);
  });

  it('新品 lists the products created in the 30 days before the list opened', async () => {
    const asked = answerProducts([trial, promoted, delisted, unseen]);
    openConsole('/console/products');
    await waitFor(() => expect(screen.getAllByTestId('product')).toHaveLength(4));
    fireEvent.click(screen.getByRole('button', { name: '新品' }));
    await waitFor(() => expect(asked.at(-1)).toEqual({ filter: { shopIds: [SHOP.id], createdSince: '2026-10-12T04:00:30.000Z' }, after: null }));
    expect(new URLSearchParams(location.search).get('filter')).toBe('newProducts');
    expect(screen.getByRole('button', { name: '新品' })).toHaveAttribute('aria-pressed', 'true');
    await waitFor(() => expect(screen.getByRole('heading', { level: 3 })).toHaveTextContent(/^近 30 天上新的商品/));
  });
});

type StockInput = VariablesOf<typeof UpdateSkuStockMutation>['input'];

/** Answers ConsoleUpdateSkuStock as the server would: the SKU with its stock changed (its turnover with it), or `refuse`'s answer. */
function answerStockWrites(refuse?: (input: StockInput) => Response | undefined) {
  const sent: StockInput[] = [];
  const skus = new Map([tee, coat, hoodie].flatMap((p) => p.skus).map((s) => [s.id, s]));
  server.use(
    api.mutation<ResultOf<typeof UpdateSkuStockMutation>, VariablesOf<typeof UpdateSkuStockMutation>>('ConsoleUpdateSkuStock', ({ variables }) => {
      const { input } = variables;
      sent.push(input);
      const refused = refuse?.(input);
      if (refused) return refused as never;
      const was = skus.get(input.id)!;
      const stock = input.stock ?? was.stock + (input.stockDelta ?? 0);
      const now = { ...was, stock, lowStock: stock <= was.lowStockLine, inventoryDays: was.averageDailyUnitsSold ? stock / was.averageDailyUnitsSold : null };
      skus.set(now.id, now);
      return HttpResponse.json({ data: { updateSku: { sku: now, userErrors: [] } } });
    }),
  );
  return sent;
}

const skuRow = (code: string) => screen.getAllByTestId('sku').find((r) => within(r).getByTestId('sku-name').textContent?.startsWith(code))!;

describe('补货 and 盘点 on the products page', () => {
  const openProducts = async (permissions = MAY_MANAGE) => {
    answerProducts();
    openConsole('/console/products', { permissions });
    await waitFor(() => expect(screen.getAllByTestId('product')).toHaveLength(3));
  };

  it('offers neither to a caller who may only read', async () => {
    await openProducts(['READ']);
    expect(screen.queryByRole('button', { name: '补货' })).toBeNull();
    expect(screen.queryByRole('button', { name: '盘点' })).toBeNull();
    expect(screen.queryByRole('columnheader', { name: '库存操作' })).toBeNull();
  });

  it('restocks a sold-out SKU by the units received (stockDelta) and the row shows the stock the server answers', async () => {
    const sent = answerStockWrites();
    await openProducts();
    expect(screen.getByRole('columnheader', { name: '库存操作' })).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: '补货' })).toHaveLength(5);
    fireEvent.click(within(skuRow('TS-002')).getByRole('button', { name: '补货' }));
    const units = within(skuRow('TS-002')).getByLabelText('补货数量');

    // Not whole units above zero: said on the page, nothing sent.
    for (const typed of ['0', '2.5', '-3']) {
      fireEvent.input(units, { target: { value: typed } });
      fireEvent.click(within(skuRow('TS-002')).getByRole('button', { name: '确认补货' }));
      expect(await within(skuRow('TS-002')).findByRole('alert')).toHaveTextContent('未保存：补货数量须为大于 0 的整数');
    }
    expect(sent).toEqual([]);

    fireEvent.input(units, { target: { value: '1,200' } });
    fireEvent.click(within(skuRow('TS-002')).getByRole('button', { name: '确认补货' }));
    await waitFor(() => expect(within(skuRow('TS-002')).getByTestId('sku-stock')).toHaveTextContent(/^1,200$/));
    expect(sent).toEqual([{ id: 's-2', stockDelta: 1200 }]);
    // 缺货 no more: 1,200 units at 128 / 30 a day.
    expect(within(skuRow('TS-002')).getByTestId('sku-inventory-days')).toHaveTextContent('281.3 天');
    expect(within(skuRow('TS-002')).queryByLabelText('补货数量')).toBeNull();
    expect(within(skuRow('TS-002')).queryByRole('alert')).toBeNull();

    // A second restock adds to the count the first one left.
    fireEvent.click(within(skuRow('TS-002')).getByRole('button', { name: '补货' }));
    fireEvent.input(within(skuRow('TS-002')).getByLabelText('补货数量'), { target: { value: '300' } });
    fireEvent.click(within(skuRow('TS-002')).getByRole('button', { name: '确认补货' }));
    await waitFor(() => expect(within(skuRow('TS-002')).getByTestId('sku-stock')).toHaveTextContent(/^1,500$/));
    expect(sent.at(-1)).toEqual({ id: 's-2', stockDelta: 300 });
  });

  it('盘点 sets the count found, zero included', async () => {
    const sent = answerStockWrites();
    await openProducts();
    fireEvent.click(within(skuRow('TS-001')).getByRole('button', { name: '盘点' }));
    fireEvent.input(within(skuRow('TS-001')).getByLabelText('盘点库存'), { target: { value: '0' } });
    fireEvent.click(within(skuRow('TS-001')).getByRole('button', { name: '确认盘点' }));
    await waitFor(() => expect(within(skuRow('TS-001')).getByTestId('sku-stock')).toHaveTextContent(/^0库存预警$/));
    expect(sent).toEqual([{ id: 's-1', stock: 0 }]);
  });

  it('shows the server’s refusal in the row, in the language the console is toggled to, and keeps the stock shown', async () => {
    const sent = answerStockWrites(() =>
      HttpResponse.json({
        data: { updateSku: { sku: null, userErrors: [{ field: ['input', 'stockDelta'], code: 'CONFLICT', message: 'stock cannot exceed 2147483647 units', messageZh: '库存不能超过 2147483647 件' }] } },
      }),
    );
    await openProducts();
    fireEvent.click(within(skuRow('TS-001')).getByRole('button', { name: '补货' }));
    fireEvent.input(within(skuRow('TS-001')).getByLabelText('补货数量'), { target: { value: '2147483600' } });
    fireEvent.click(within(skuRow('TS-001')).getByRole('button', { name: '确认补货' }));
    await expectAlertFollowsToggle(/^保存失败：库存不能超过 2147483647 件$/, /^Not saved: stock cannot exceed 2147483647 units$/);
    expect(sent).toEqual([{ id: 's-1', stockDelta: 2147483600 }]);
    expect(within(skuRow('TS-001')).getByTestId('sku-stock')).toHaveTextContent(/^125$/);
    // The form stays open with what was typed.
    expect(within(skuRow('TS-001')).getByLabelText('补货数量')).toHaveValue('2147483600');
  });

  it('says the account may only read when the server refuses it with FORBIDDEN', async () => {
    answerStockWrites(refusedAnswer('MANAGE scope required', '需要 MANAGE 权限'));
    await openProducts();
    fireEvent.click(within(skuRow('DJ-01')).getByRole('button', { name: '补货' }));
    fireEvent.input(within(skuRow('DJ-01')).getByLabelText('补货数量'), { target: { value: '20' } });
    fireEvent.click(within(skuRow('DJ-01')).getByRole('button', { name: '确认补货' }));
    expect(await within(skuRow('DJ-01')).findByRole('alert')).toHaveTextContent(/^保存失败：此账号只有查看权限$/);
    expect(within(skuRow('DJ-01')).getByTestId('sku-stock')).toHaveTextContent(/^80$/);
  });
});
