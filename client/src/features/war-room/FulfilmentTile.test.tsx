import { screen } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../test/render';
import type { Locale } from '../../i18n/messages';
import { FulfilmentTile, type FulfilmentFigures } from './FulfilmentTile';

function show(figures: FulfilmentFigures | undefined, locale: Locale = 'zh-CN') {
  renderWithProviders(() => <FulfilmentTile figures={figures} />, { locale });
}

describe('the fulfilment tile', () => {
  it('shows orders shipped today, overdue shipments in red and the paid→shipped time in hours', () => {
    show({ shippedOrders: 38_120, unshippedOverdue: 3, averagePaidToShippedSeconds: 22_320 });
    expect(screen.getByTestId('fulfilment')).toHaveTextContent('履约');
    expect(screen.getByTestId('fulfilment')).toHaveTextContent('超时未发货');
    expect(screen.getByTestId('fulfilment-shipped')).toHaveTextContent('38,120 单');
    expect(screen.getByTestId('fulfilment-overdue')).toHaveTextContent('3 单');
    expect(screen.getByTestId('fulfilment-overdue')).toHaveClass('bad');
    expect(screen.getByTestId('fulfilment-paid-to-shipped')).toHaveTextContent('6.2 小时');
  });

  it('is not red without overdue orders, and says minutes under an hour', () => {
    show({ shippedOrders: 12, unshippedOverdue: 0, averagePaidToShippedSeconds: 2_400 }, 'en');
    expect(screen.getByTestId('fulfilment-overdue')).toHaveTextContent('0 orders');
    expect(screen.getByTestId('fulfilment-overdue')).not.toHaveClass('bad');
    expect(screen.getByTestId('fulfilment-paid-to-shipped')).toHaveTextContent('40 min');
    // Each shop has its own deadline (24 h unless set), so the label names none.
    expect(screen.getByTestId('fulfilment')).toHaveTextContent('Overdue to ship');
  });

  it('says one order in English, not "1 orders"', () => {
    show({ shippedOrders: 1, unshippedOverdue: 1, averagePaidToShippedSeconds: null }, 'en');
    expect(screen.getByTestId('fulfilment-shipped')).toHaveTextContent(/^1 order$/);
    expect(screen.getByTestId('fulfilment-overdue')).toHaveTextContent(/^1 order$/);
  });

  it('shows — before anything has shipped, and before the figures arrive', () => {
    show({ shippedOrders: 0, unshippedOverdue: 0, averagePaidToShippedSeconds: null });
    expect(screen.getByTestId('fulfilment-paid-to-shipped')).toHaveTextContent(/^—$/);
    screen.getByTestId('fulfilment').remove();
    show(undefined);
    expect(screen.getByTestId('fulfilment-shipped')).toHaveTextContent(/^—$/);
  });
});
