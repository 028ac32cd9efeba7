import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { openConsole, product, SHOP, sku } from '../../../test/console';
import { api, server, useMockApi } from '../../../test/msw';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type { ProductFilter, ProductsQuery } from './products.documents';

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

/** Answers ConsoleProducts: the slow movers, the low-stock products, or all (41, in pages); returns what each question asked. */
function answerProducts() {
  const asked: { filter: ProductFilter; after: string | null | undefined }[] = [];
  server.use(
    api.query<Answer, VariablesOf<typeof ProductsQuery>>('ConsoleProducts', ({ variables }) => {
      asked.push({ filter: variables.filter, after: variables.after });
      const [list, totalCount] = variables.filter.slowMoving ? [[coat], 1] : variables.filter.lowStock ? [[tee], 1] : [[tee, coat, hoodie], 41];
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
    expect(skuCells(hoodieRow, 'sku-inventory-days')).toEqual(['6,000.0 天']);
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
});
