import { screen, within } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { todayPayload } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render';
import { TopProducts } from './TopProducts';

const rows = todayPayload().liveMetrics.metrics.topProducts;
const gmvColumn = () => screen.getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell')[2]?.textContent);

describe('TopProducts', () => {
  it('ranks products with their GMV in 亿, full yuan and ¥0.00 in zh-CN', () => {
    renderWithProviders(() => <TopProducts rows={rows} />, { locale: 'zh-CN' });
    expect(gmvColumn()).toEqual(['¥1.23亿', '¥8,520.00', '¥0.00']);
    expect(screen.getAllByRole('row')[1]).toHaveTextContent(/^1旗舰手机/);
  });

  it('uses M in English', () => {
    renderWithProviders(() => <TopProducts rows={rows} />, { locale: 'en' });
    expect(gmvColumn()).toEqual(['¥123.45M', '¥8,520.00', '¥0.00']);
  });

  it('marks only the SKUs at or below their low-stock threshold', () => {
    renderWithProviders(() => <TopProducts rows={rows} />, { locale: 'zh-CN' });
    const marks = screen.getAllByTestId('low-stock-mark');
    expect(marks).toHaveLength(1);
    expect(marks[0]?.closest('tr')).toHaveTextContent('保温杯');
    expect(marks[0]?.closest('tr')).toHaveClass('low-stock');
    expect(marks[0]).toHaveTextContent('库存告急');
  });
});
