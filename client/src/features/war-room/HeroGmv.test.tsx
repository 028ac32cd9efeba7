import { screen } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { progressPayload } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render';
import { HeroGmv, type HeroProgress } from './HeroGmv';

const hero = (progress: Partial<HeroProgress> = {}): HeroProgress => ({ ...progressPayload().campaignProgress.progress, ...progress });

describe('HeroGmv', () => {
  it('shows campaign GMV in 亿 with the exact amount beside it, in zh-CN', () => {
    renderWithProviders(() => <HeroGmv progress={hero()} stale={false} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('hero-gmv')).toHaveTextContent('¥1.23亿');
    expect(screen.getByTestId('hero-gmv')).toHaveAttribute('data-value', '12345678900');
    expect(screen.getByTestId('hero-gmv-exact')).toHaveTextContent('¥123,456,789.00');
    expect(screen.getByTestId('hero-target')).toHaveTextContent('¥5.00亿');
    expect(screen.getByTestId('hero-projected')).toHaveTextContent('¥5.20亿');
    expect(screen.getByTestId('hero-gmv-exact').parentElement).not.toHaveClass('is-same');
  });

  it('shows small amounts in full: ¥8,520.00 and ¥0.00, without saying the same figure again as the exact one', () => {
    renderWithProviders(() => <HeroGmv progress={hero({ gmv: '8520.00', projectedGmv: '0.00' })} stale={false} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('hero-gmv')).toHaveTextContent('¥8,520.00');
    expect(screen.getByTestId('hero-projected')).toHaveTextContent('¥0.00');
    expect(screen.getByTestId('hero-gmv-exact').parentElement).toHaveClass('is-same');
  });

  it('uses M and B in English', () => {
    renderWithProviders(() => <HeroGmv progress={hero({ target: '2500000000.00' })} stale={false} />, { locale: 'en' });
    expect(screen.getByTestId('hero-gmv')).toHaveTextContent('¥123.45M');
    expect(screen.getByTestId('hero-target')).toHaveTextContent('¥2.50B');
    expect(screen.getByTestId('hero-gmv-exact')).toHaveTextContent('¥123,456,789.00');
  });

  it('reads pace against plan, and says the plan has not started when there is none', () => {
    renderWithProviders(() => <HeroGmv progress={hero({ pace: 0.85 })} stale={false} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('hero-pace')).toHaveTextContent('计划的 85%');
    expect(screen.getByTestId('hero-pace')).toHaveClass('bad');
  });

  it('never rounds achievement or pace up to a figure not reached, like the GMV', () => {
    renderWithProviders(() => <HeroGmv progress={hero({ achievementRate: 0.9996, pace: 0.996 })} stale={false} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('hero')).toHaveTextContent('99.9%');
    expect(screen.getByTestId('hero')).not.toHaveTextContent('100.0%');
    expect(screen.getByTestId('hero-pace')).toHaveTextContent('计划的 99%');
    expect(screen.getByTestId('hero-pace')).toHaveClass('warn');
  });

  it('reads a pace just under 90% as 89%, the same side of the line as its red', () => {
    renderWithProviders(() => <HeroGmv progress={hero({ pace: 0.8996 })} stale={false} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('hero-pace')).toHaveTextContent('计划的 89%');
    expect(screen.getByTestId('hero-pace')).toHaveClass('bad');
  });

  it("sets today's pace beside the campaign's: a red campaign can be selling above plan today", () => {
    renderWithProviders(() => <HeroGmv progress={hero({ pace: 0.81, today: { pace: 1.12 }, requiredPace: 1.2519 })} stale={false} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('hero-pace')).toHaveTextContent('计划的 81%');
    expect(screen.getByTestId('hero-pace')).toHaveClass('bad');
    expect(screen.getByTestId('hero-today-pace')).toHaveTextContent('计划的 112%');
    expect(screen.getByTestId('hero-today-pace')).toHaveClass('good');
    // What the rest must sell at is rounded up, never an easier figure than the truth: 125.19% reads 126%.
    expect(screen.getByTestId('hero-required')).toHaveTextContent('计划的 126%');
    expect(screen.getByTestId('hero-required')).toHaveClass('bad');
  });

  it('reads what the rest must sell at: green at or under the plan, reached once the target is, a dash when it cannot be said', () => {
    const { unmount } = renderWithProviders(() => <HeroGmv progress={hero({ requiredPace: 0.93 })} stale={false} />, { locale: 'en' });
    expect(screen.getByTestId('hero-required')).toHaveTextContent('93% of plan');
    expect(screen.getByTestId('hero-required')).toHaveClass('good');
    unmount();
    const reached = renderWithProviders(() => <HeroGmv progress={hero({ requiredPace: 0, today: null })} stale={false} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('hero-required')).toHaveTextContent('目标已达成');
    expect(screen.getByTestId('hero-today-pace')).toHaveTextContent('—');
    reached.unmount();
    renderWithProviders(() => <HeroGmv progress={hero({ requiredPace: null })} stale={false} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('hero-required')).toHaveTextContent('—');
    expect(screen.getByTestId('hero-required')).toHaveClass('neutral');
  });

  it('has no pace or projection to show before the plan starts', () => {
    renderWithProviders(() => <HeroGmv progress={hero({ pace: null, projectedGmv: null })} stale={false} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('hero-pace')).toHaveTextContent('尚未开始计划');
    expect(screen.getByTestId('hero-projected')).toHaveTextContent('—');
  });

  it('says when an ended campaign closed instead of projecting its finish, which is the GMV itself', () => {
    const ended = hero({ gmv: '107910000.00', target: '100000000.00', projectedGmv: '107910000.00', remaining: '0.00', pace: 1.0791 });
    renderWithProviders(() => <HeroGmv progress={ended} stale={false} endsAt="2026-06-18T16:00:00.000Z" ended={true} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('hero')).not.toHaveTextContent('预计收官');
    expect(screen.getByTestId('hero')).toHaveTextContent('已收官');
    expect(screen.getByTestId('hero-projected')).toHaveTextContent('2026年6月18日');
    expect(screen.getByTestId('hero-remaining')).toHaveTextContent('¥791.00万');
    expect(screen.getByTestId('hero')).toHaveTextContent('超出目标');
  });

  it('still projects while the campaign runs, and reads 距目标 until the target is passed', () => {
    renderWithProviders(() => <HeroGmv progress={hero()} stale={false} endsAt="2026-11-11T16:00:00.000Z" ended={false} />, { locale: 'en' });
    expect(screen.getByTestId('hero')).toHaveTextContent('Projected finish');
    expect(screen.getByTestId('hero')).toHaveTextContent('To target');
    expect(screen.getByTestId('hero')).not.toHaveTextContent('Ended');
  });

  it('greys out when the figures are not live', () => {
    renderWithProviders(() => <HeroGmv progress={hero()} stale={true} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('hero')).toHaveClass('is-stale');
  });

  it('says the GMV and target are the caller’s shops’ part when they see only part of the campaign', () => {
    renderWithProviders(() => <HeroGmv progress={hero()} stale={false} partial />, { locale: 'zh-CN' });
    expect(screen.getByTestId('hero')).toHaveTextContent('本店活动累计成交额 GMV');
    expect(screen.getByTestId('hero')).toHaveTextContent('本店目标');
  });
});
