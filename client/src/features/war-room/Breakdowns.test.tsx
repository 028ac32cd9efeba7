import { screen } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../test/render';
import type { Locale } from '../../i18n/messages';
import { GmvBars } from './Breakdowns';

const platforms = [
  { key: 'TMALL', gmv: '60000000.00', spend: '2500000.00', roi: 24 },
  { key: 'JD', gmv: '38765432.10', spend: '40000000.00', roi: 0.9691358 },
  { key: 'PINDUODUO', gmv: '1200.00', spend: '0.00', roi: null },
];

function show(rows: readonly { key: string; gmv: string; spend?: string; roi?: number | null }[], locale: Locale = 'zh-CN') {
  renderWithProviders(() => <GmvBars testId="channel-bars" labels="channel" rows={rows} />, { locale });
  const list = screen.getByTestId('channel-bars');
  const row = (label: string) => {
    const li = [...list.querySelectorAll<HTMLElement>('li')].find((item) => item.querySelector('.bar-label')?.textContent === label);
    if (!li) throw new Error(`no row ${label}`);
    return li;
  };
  return { list, row, note: (label: string) => row(label).querySelector<HTMLElement>('.bar-note') };
}

describe("today's platforms with their ROI (DOMAIN.md: channel ROI = attributed GMV / spend)", () => {
  it('shows each platform’s ROI after its GMV, red under 1, green from 1, and nothing for a platform without spend', () => {
    const { list, row, note } = show(platforms);
    expect(list).toHaveClass('with-notes');
    expect(row('天猫')).toHaveTextContent('¥6000.00万');
    expect(note('天猫')).toHaveTextContent(/^24\.00$/);
    expect(note('天猫')).toHaveClass('good');
    // 0.969…: cut, never rounded up to a 0.97 or a 1.00 the platform did not earn.
    expect(note('京东')).toHaveTextContent(/^0\.96$/);
    expect(note('京东')).toHaveClass('bad');
    expect(note('京东')).toHaveAttribute('title', '京东今日投放 ROI 0.96：花费 ¥4000.00万，只计有投放的来源带来的成交额');
    expect(note('拼多多')).toHaveTextContent(/^$/);
    expect(note('拼多多')).not.toHaveClass('bad');
  });

  it('greys a platform’s ROI while its spend is too little to judge (under ¥200 today), as the sources table does', () => {
    const { note } = show([{ key: 'PINDUODUO', gmv: '103.60', spend: '4.00', roi: 0 }, { key: 'DOUYIN', gmv: '34.90', spend: '2.00', roi: 17.45 }]);
    expect(note('拼多多')).toHaveTextContent(/^0\.00$/);
    expect(note('拼多多')).toHaveClass('unjudged');
    expect(note('拼多多')).not.toHaveClass('bad');
    expect(note('拼多多')).toHaveAttribute('title', '拼多多今日投放 ROI 0.00：花费 ¥4.00，不足 ¥200.00，尚不评判');
    expect(note('抖音')).toHaveClass('unjudged');
    expect(note('抖音')).not.toHaveClass('good');
  });

  it('says it in English when the screen is in English', () => {
    const { note } = show(platforms, 'en');
    expect(note('JD')).toHaveTextContent(/^0\.96$/);
    expect(note('JD')).toHaveAttribute('title', 'JD ad ROI today 0.96: spend ¥40.00M, against the GMV of the sources it was spent on');
  });

  it('keeps three columns for a breakdown without ROI (the traffic sources’ GMV bars)', () => {
    const { list } = show([{ key: 'TMALL', gmv: '100.00' }]);
    expect(list).not.toHaveClass('with-notes');
    expect(list.querySelector('.bar-note')).toBeNull();
  });
});
