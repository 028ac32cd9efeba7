import { screen } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { NOW_WALL, TODAY_FROM, todayPayload, yesterdayMetrics } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render';
import { KpiStrip } from './KpiStrip';
import { kpis } from './kpis';

const today = todayPayload().liveMetrics.metrics;

describe('KpiStrip', () => {
  it('shows each KPI with its change against yesterday, refunds going up in red', () => {
    renderWithProviders(() => <KpiStrip kpis={kpis(today, yesterdayMetrics(), NOW_WALL, Date.parse(TODAY_FROM))} />, { locale: 'zh-CN' });
    const ops = screen.getByTestId('kpi-ordersPerSecond');
    expect(ops).toHaveTextContent('每秒订单');
    expect(ops.querySelector('.kpi-value')).toHaveTextContent('5.0');
    expect(ops.querySelector('.kpi-change')).toHaveTextContent('▲ +20.0% 较昨日同时段');
    expect(ops.querySelector('.kpi-change')).toHaveClass('good');
    expect(screen.getByTestId('kpi-averageOrderValue').querySelector('.kpi-value')).toHaveTextContent('¥2,743.48');
    expect(screen.getByTestId('kpi-conversionRate').querySelector('.kpi-value')).toHaveTextContent('3.00%');
    // Refund rate fell 20%: down is good for refunds.
    expect(screen.getByTestId('kpi-refundRate').querySelector('.kpi-change')).toHaveTextContent('▼ -20.0%');
    expect(screen.getByTestId('kpi-refundRate').querySelector('.kpi-change')).toHaveClass('good');
    expect(screen.getByTestId('kpi-addToCartRate').querySelector('.kpi-change')).toHaveClass('bad');
  });

  it('shows "—" without an arrow while yesterday is missing', () => {
    renderWithProviders(() => <KpiStrip kpis={kpis(today, null, NOW_WALL, Date.parse(TODAY_FROM))} />, { locale: 'zh-CN' });
    for (const tile of screen.getByTestId('kpi-strip').querySelectorAll('.kpi')) {
      expect(tile.querySelector('.kpi-change')).toHaveTextContent(/^— 较昨日同时段$/);
      expect(tile.querySelector('.kpi-change')).toHaveClass('neutral');
    }
    expect(screen.getByTestId('kpi-strip').querySelectorAll('.kpi')).toHaveLength(6);
  });

  it('counts orders a minute under one a second, in either language, and a second from one a second up', () => {
    const list = (value: number) => kpis(today, yesterdayMetrics(), NOW_WALL, Date.parse(TODAY_FROM)).map((k) => (k.key === 'ordersPerSecond' ? { ...k, value } : k));
    // Three orders a minute: "0.1 每秒" would round a quiet shop to nothing.
    const { unmount } = renderWithProviders(() => <KpiStrip kpis={list(0.05)} />, { locale: 'zh-CN' });
    let ops = screen.getByTestId('kpi-ordersPerSecond');
    expect(ops.querySelector('.kpi-label')).toHaveTextContent(/^每分钟订单$/);
    expect(ops.querySelector('.kpi-value')).toHaveTextContent(/^3\.0$/);
    expect(ops.querySelector('.kpi-change')).toHaveTextContent('▲ +20.0% 较昨日同时段');
    unmount();
    renderWithProviders(() => <KpiStrip kpis={list(0.05)} />, { locale: 'en' });
    expect(screen.getByTestId('kpi-ordersPerSecond').querySelector('.kpi-label')).toHaveTextContent(/^Orders \/ min$/);
    renderWithProviders(() => <KpiStrip kpis={list(1)} />, { locale: 'zh-CN' });
    ops = screen.getAllByTestId('kpi-ordersPerSecond').at(-1)!;
    expect(ops.querySelector('.kpi-label')).toHaveTextContent(/^每秒订单$/);
    expect(ops.querySelector('.kpi-value')).toHaveTextContent(/^1\.0$/);
  });

  it('holds conversion to the campaign’s target: says it beside the label and turns amber below it', () => {
    const list = kpis(today, yesterdayMetrics(), NOW_WALL, Date.parse(TODAY_FROM)); // conversion 3.00 %
    const { unmount } = renderWithProviders(() => <KpiStrip kpis={list} conversionTarget={0.05} />, { locale: 'zh-CN' });
    const tile = () => screen.getByTestId('kpi-conversionRate');
    expect(tile().querySelector('.kpi-label')).toHaveTextContent(/^转化率 · 目标 5\.00%$/);
    expect(tile().querySelector('.kpi-value')).toHaveClass('missed');
    unmount();
    const met = renderWithProviders(() => <KpiStrip kpis={list} conversionTarget={0.03} />, { locale: 'en' });
    expect(tile().querySelector('.kpi-label')).toHaveTextContent(/^Conversion · target 3\.00%$/);
    expect(tile().querySelector('.kpi-value')).not.toHaveClass('missed');
    met.unmount();
    // Just after midnight, 0 % of a handful of visitors is not yet a miss.
    const early = renderWithProviders(() => <KpiStrip kpis={kpis({ ...today, conversionRate: 0, visitors: 12 }, null, NOW_WALL, Date.parse(TODAY_FROM))} conversionTarget={0.03} />, { locale: 'zh-CN' });
    expect(tile().querySelector('.kpi-value')).not.toHaveClass('missed');
    early.unmount();
    renderWithProviders(() => <KpiStrip kpis={list} conversionTarget={null} />, { locale: 'zh-CN' });
    expect(tile().querySelector('.kpi-label')).toHaveTextContent(/^转化率$/);
    // Only the conversion tile has a target.
    expect(screen.getByTestId('kpi-strip').querySelectorAll('.kpi-target')).toHaveLength(0);
  });

  it('shows "—" for orders/s before the first whole minute of the day', () => {
    const list = kpis(today, yesterdayMetrics(), Date.parse(TODAY_FROM) + 40_000, Date.parse(TODAY_FROM));
    renderWithProviders(() => <KpiStrip kpis={list} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('kpi-ordersPerSecond').querySelector('.kpi-value')).toHaveTextContent(/^—$/);
    expect(screen.getByTestId('kpi-ordersPerSecond').querySelector('.kpi-change')).toHaveTextContent(/^— 较昨日同时段$/);
  });

  it('shows "—" for a KPI that was zero yesterday, and a large average order value in 万', () => {
    const list = kpis({ ...today, averageOrderValue: '152345.67' }, yesterdayMetrics({ buyers: 0 }), NOW_WALL, Date.parse(TODAY_FROM));
    renderWithProviders(() => <KpiStrip kpis={list} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('kpi-buyers').querySelector('.kpi-change')).toHaveTextContent(/^— /);
    expect(screen.getByTestId('kpi-buyers').querySelector('.kpi-value')).toHaveTextContent('36,000');
    expect(screen.getByTestId('kpi-averageOrderValue').querySelector('.kpi-value')).toHaveTextContent('¥15.23万');
  });
});
