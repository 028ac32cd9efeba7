import { screen } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../test/render';
import type { Locale } from '../../i18n/messages';
import { RetroPareto } from './RetroPareto';

function verdict(productCount: number, soldProducts: number, locale: Locale) {
  renderWithProviders(() => <RetroPareto pareto={{ productCount, soldProducts, products: [] }} />, { locale });
  return screen.getByTestId('pareto-verdict');
}

describe('the Pareto verdict', () => {
  it('says one product in English, not "1 products"', () => {
    expect(verdict(1, 1, 'en')).toHaveTextContent(/^1 product made 80 % of GMV \(1 product sold\)$/);
  });

  it('says products from two on, and in Chinese', () => {
    expect(verdict(2, 9, 'en')).toHaveTextContent(/^2 products made 80 % of GMV \(9 products sold\)$/);
    screen.getByTestId('retro-pareto').remove();
    expect(verdict(1, 1, 'zh-CN')).toHaveTextContent(/^1 个商品贡献了 80% 的成交额（共售出 1 个商品）$/);
  });
});
