import { screen } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../test/render';
import type { Locale } from '../../i18n/messages';
import { ShopParts, type ShopPartRow } from './ShopParts';

const part = (name: string, gmv: string, gmvTarget: string, achievementRate: number, pace: number | null): ShopPartRow => ({
  shop: { id: `s-${name}`, name },
  gmvTarget,
  progress: { gmv, achievementRate, pace },
});

// 双11 over three shops, as the stream sends them (in shopTargets order): 京东 holds the campaign back.
const PARTS = [
  part('天猫旗舰店', '1200000.00', '3000000.00', 0.4, 1.262),
  part('京东自营店', '400000.00', '5000000.00', 0.08, 0.2525),
  part('抖音直播间', '600000.00', '2000000.00', 0.3, 0.947),
];

function show(parts: readonly ShopPartRow[], locale: Locale = 'zh-CN') {
  renderWithProviders(() => <ShopParts parts={parts} />, { locale });
}

describe('each shop’s part of a split campaign on the wall', () => {
  it('puts the shop furthest behind its part of the plan first, with its GMV of its target and 达成率', () => {
    show(PARTS);
    const rows = screen.getAllByTestId('shop-part');
    expect(rows.map((row) => row.querySelector('.part-name')!.textContent)).toEqual(['京东自营店', '抖音直播间', '天猫旗舰店']);
    expect(screen.getAllByTestId('shop-part-figures').map((f) => f.textContent)).toEqual([
      '¥40.00万 / ¥500.00万 · 8.0%',
      '¥60.00万 / ¥200.00万 · 30.0%',
      '¥120.00万 / ¥300.00万 · 40.0%',
    ]);
    expect(screen.getAllByTestId('shop-part-pace').map((p) => p.textContent)).toEqual(['计划的 25%', '计划的 94%', '计划的 126%']);
    expect(screen.getAllByTestId('shop-part-figures')[0]).toHaveAttribute('title', '本店目标 ¥40.00万 / ¥500.00万 · 8.0%');
  });

  it('marks a shop behind plan as the hero marks the campaign: red far behind, amber within 10 %, green on plan', () => {
    show(PARTS);
    const [behind, close, ahead] = screen.getAllByTestId('shop-part-pace');
    expect(behind).toHaveClass('bad');
    expect(close).toHaveClass('warn');
    expect(ahead).toHaveClass('good');
    // The bar is 达成率, and never runs past its track once a shop beats its target.
    expect(screen.getAllByTestId('shop-part')[0]!.querySelector('.bar-fill')).toHaveStyle({ width: '8%' });
  });

  it('puts a part with nothing planned yet last, unmarked, and reads in English', () => {
    show([part('Own site', '0.00', '500000.00', 0, null), part('Tmall', '2500000.00', '2000000.00', 1.25, 1.4)], 'en');
    const rows = screen.getAllByTestId('shop-part');
    expect(rows.map((row) => row.querySelector('.part-name')!.textContent)).toEqual(['Tmall', 'Own site']);
    expect(screen.getAllByTestId('shop-part-figures')[0]).toHaveTextContent('¥2.50M / ¥2.00M · 125.0%');
    // A row is one shop: its tooltip names that shop's target, never the raw plural block.
    expect(screen.getAllByTestId('shop-part-figures')[0]).toHaveAttribute('title', 'Your shop’s target ¥2.50M / ¥2.00M · 125.0%');
    expect(rows[0]!.querySelector('.bar-fill')).toHaveStyle({ width: '100%' });
    expect(screen.getAllByTestId('shop-part-pace').map((p) => p.textContent)).toEqual(['140% of plan', '—']);
    expect(screen.getAllByTestId('shop-part-pace')[1]).toHaveClass('neutral');
  });
});
