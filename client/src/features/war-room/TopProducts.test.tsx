import { screen, within } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../test/render';
import { TopProducts, type TopProductRow } from './TopProducts';

const row = (name: string, gmv: string, stock: number, lowStock = false, code = 'TM-001-1', shop = '天猫旗舰店'): TopProductRow => ({
  gmv,
  unitsSold: 3,
  product: { id: `p-${name}`, name, shop: { id: `shop-${shop}`, name: shop } },
  sku: { id: `s-${name}`, code, spec: '标准版', stock, lowStock },
});

describe("today's top products", () => {
  it('lists the best sellers in rank order with their SKU codes and stock, marking the low ones', () => {
    renderWithProviders(() => <TopProducts rows={[row('射频美容仪', '4797.00', 1602, false, 'TM-001-1'), row('真丝眼罩', '161.40', 8, true, 'TM-007-2')]} showShop={false} />, { locale: 'zh-CN' });
    const rows = within(screen.getByTestId('top-products')).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual(['1射频美容仪 标准版TM-001-1¥4,797.0031,602', '2真丝眼罩 标准版TM-007-2¥161.4038库存预警']);
    expect(rows[0]!.querySelector('td.name')).toHaveAttribute('title', '射频美容仪 标准版 · TM-001-1');
    expect(screen.queryByTestId('top-products-empty')).not.toBeInTheDocument();
  });

  it('names each row’s shop beside its SKU code when the wall covers several shops, so one name in two shops reads as two rows', () => {
    renderWithProviders(
      () => <TopProducts rows={[row('保温杯', '900.00', 300, false, 'TM-001-1', '天猫旗舰店'), row('保温杯', '800.00', 300, false, 'JD-001-1', '京东自营店')]} showShop />,
      { locale: 'zh-CN' },
    );
    expect(screen.getAllByTestId('top-sku-line').map((line) => line.textContent)).toEqual(['TM-001-1 · 天猫旗舰店', 'JD-001-1 · 京东自营店']);
    expect(screen.getAllByRole('row')[2]!.querySelector('td.name')).toHaveAttribute('title', '保温杯 标准版 · JD-001-1 · 京东自营店');
  });

  it('says there are no sales yet before the day’s first paid order (just after midnight), in either language', () => {
    const zh = renderWithProviders(() => <TopProducts rows={[]} showShop={false} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('top-products-empty')).toHaveTextContent('今日暂无成交');
    expect(screen.queryByTestId('top-products')).not.toBeInTheDocument();
    zh.unmount();
    renderWithProviders(() => <TopProducts rows={[]} showShop={false} />, { locale: 'en' });
    expect(screen.getByTestId('top-products-empty')).toHaveTextContent('No sales yet today');
  });
});
