import { screen } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../test/render';
import type { Locale } from '../../i18n/messages';
import { RetroPareto } from './RetroPareto';

function verdict(skuCount: number, soldSkus: number, locale: Locale) {
  renderWithProviders(() => <RetroPareto pareto={{ skuCount, soldSkus, skus: [] }} />, { locale });
  return screen.getByTestId('pareto-verdict');
}

describe('the Pareto verdict', () => {
  it('says one SKU in English, not "1 SKUs"', () => {
    expect(verdict(1, 1, 'en')).toHaveTextContent(/^1 SKU made 80 % of GMV \(1 SKU sold\)$/);
  });

  it('says SKUs from two on, and reads as before in Chinese', () => {
    expect(verdict(2, 9, 'en')).toHaveTextContent(/^2 SKUs made 80 % of GMV \(9 SKUs sold\)$/);
    screen.getByTestId('retro-pareto').remove();
    expect(verdict(1, 1, 'zh-CN')).toHaveTextContent(/^1 个 SKU 贡献了 80% 的成交额（共售出 1 个 SKU）$/);
  });
});
