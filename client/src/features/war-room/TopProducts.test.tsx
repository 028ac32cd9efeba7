import { screen, within } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../test/render';
import { TopProducts, type TopProductRow } from './TopProducts';

const row = (name: string, gmv: string, stock: number, lowStock = false): TopProductRow => ({
  gmv,
  unitsSold: 3,
  product: { id: `p-${name}`, name },
  sku: { id: `s-${name}`, spec: '标准版', stock, lowStock },
});

describe("today's top products", () => {
  it('lists the best sellers in rank order with their stock, marking the low ones', () => {
    renderWithProviders(() => <TopProducts rows={[row('射频美容仪', '4797.00', 1602), row('真丝眼罩', '161.40', 8, true)]} />, { locale: 'zh-CN' });
    const rows = within(screen.getByTestId('top-products')).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual(['1射频美容仪 标准版¥4,797.0031,602', '2真丝眼罩 标准版¥161.4038库存预警']);
    expect(screen.queryByTestId('top-products-empty')).not.toBeInTheDocument();
  });

  it('says there are no sales yet before the day’s first paid order (just after midnight), in either language', () => {
    const zh = renderWithProviders(() => <TopProducts rows={[]} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('top-products-empty')).toHaveTextContent('今日暂无成交');
    expect(screen.queryByTestId('top-products')).not.toBeInTheDocument();
    zh.unmount();
    renderWithProviders(() => <TopProducts rows={[]} />, { locale: 'en' });
    expect(screen.getByTestId('top-products-empty')).toHaveTextContent('No sales yet today');
  });
});
