import { screen, within } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../test/render';
import type { Locale } from '../../i18n/messages';
import { SourceRoi, type SourceRoiRow } from './SourceRoi';

const rows: SourceRoiRow[] = [
  { key: 'SEARCH', gmv: '88765432.10', spend: '0.00', roi: null, visitors: 1_000_000, conversionRate: 0.021 },
  { key: 'PAID', gmv: '6200.00', spend: '10000.00', roi: 0.62, visitors: 4_000, conversionRate: 0.01 },
  { key: 'SOCIAL', gmv: '9993800.00', spend: '2500000.00', roi: 3.99752, visitors: 150_000, conversionRate: 0.045 },
  { key: 'CAMPAIGN', gmv: '1000.00', spend: '1000.00', roi: 1, visitors: 800, conversionRate: 0.025 },
];

function show(locale: Locale = 'zh-CN', conversionTarget: number | null = 0.03) {
  renderWithProviders(() => <SourceRoi rows={rows} conversionTarget={conversionTarget} />, { locale });
  const row = (key: string) => {
    const tr = screen.getByTestId('source-roi').querySelector<HTMLElement>(`tr[data-source="${key}"]`);
    if (!tr) throw new Error(`no row for ${key}`);
    return tr;
  };
  const roiCell = (key: string) => row(key).querySelector('td.roi') as HTMLElement;
  return { row, roiCell };
}

describe('ROI per traffic source', () => {
  it('shows each source with its GMV, spend and ROI', () => {
    const { row } = show();
    expect(within(screen.getByTestId('source-roi')).getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['来源', '成交额', '转化率', '花费', 'ROI']);
    expect(row('SOCIAL')).toHaveTextContent('社交分享');
    expect(row('SOCIAL')).toHaveTextContent('¥999.38万');
    expect(row('SOCIAL')).toHaveTextContent('¥250.00万');
    expect(row('SOCIAL')).toHaveTextContent('3.99');
  });

  it('moves the budget by the campaign’s target conversion: 建议加投 where a paid source beats it, 建议减投 where it misses', () => {
    const { row, roiCell } = show();
    expect(row('SOCIAL').querySelector('td.conversion')).toHaveTextContent(/^4\.5%$/);
    expect(row('SOCIAL')).toHaveAttribute('data-advice', 'add');
    expect(roiCell('SOCIAL')).toHaveTextContent('3.99建议加投');
    expect(row('CAMPAIGN')).toHaveAttribute('data-advice', 'trim');
    expect(roiCell('CAMPAIGN')).toHaveTextContent('1.00建议减投');
    expect(row('CAMPAIGN').querySelector('td.conversion')).toHaveClass('below-target');
    // ROI under 1 is a pause, whatever the conversion; a source without spend gets no advice, only its mark.
    expect(row('PAID')).toHaveAttribute('data-advice', 'pause');
    expect(row('SEARCH')).not.toHaveAttribute('data-advice');
    expect(row('SEARCH').querySelector('td.conversion')).toHaveClass('below-target');
    expect(screen.getAllByRole('columnheader')[2]).toHaveAttribute('title', '转化率（目标 3.00%）');
  });

  it('without a target only says pause, and marks no conversion', () => {
    const { row, roiCell } = show('en', null);
    expect(roiCell('PAID')).toHaveTextContent('0.62pause');
    expect(row('SOCIAL')).not.toHaveAttribute('data-advice');
    expect(roiCell('SOCIAL')).toHaveTextContent(/^3\.99$/);
    expect(screen.getByTestId('source-roi').querySelectorAll('.below-target')).toHaveLength(0);
  });

  it('marks a source that costs more than it sells in red, with 建议暂停', () => {
    const { row, roiCell } = show();
    expect(roiCell('PAID')).toHaveTextContent('0.62');
    expect(roiCell('PAID').querySelector('.roi-value')).toHaveClass('bad');
    expect(roiCell('PAID')).toHaveTextContent('建议暂停');
    expect(row('PAID')).toHaveClass('roi-low');
    // At 1 it pays for itself: not red, no hint.
    expect(roiCell('CAMPAIGN').querySelector('.roi-value')).not.toHaveClass('bad');
    expect(roiCell('CAMPAIGN')).not.toHaveTextContent('建议暂停');
    expect(roiCell('SOCIAL').querySelector('.roi-value')).toHaveClass('good');
  });

  it('never reads a ROI below 1 as 1.00 beside its 建议暂停: two decimals are cut, as the alerts say them', () => {
    renderWithProviders(() => <SourceRoi rows={[{ key: 'PAID', gmv: '9952.00', spend: '10000.00', roi: 0.9952, visitors: 4_000, conversionRate: 0.01 }]} conversionTarget={null} />);
    const cell = screen.getByTestId('source-roi').querySelector('tr[data-source="PAID"] td.roi') as HTMLElement;
    expect(cell).toHaveTextContent('0.99建议暂停');
  });

  it('greys a ROI on too little spend to judge: ¥4 and no sale yet just after midnight is neither a green nor a red 0.00', () => {
    renderWithProviders(() => <SourceRoi rows={[{ key: 'PAID', gmv: '0.00', spend: '4.00', roi: 0, visitors: 60, conversionRate: 0 }]} conversionTarget={0.03} />);
    const cell = screen.getByTestId('source-roi').querySelector('tr[data-source="PAID"] td.roi') as HTMLElement;
    expect(cell).toHaveTextContent(/^0\.00$/);
    expect(cell.querySelector('.roi-value')).toHaveClass('unjudged');
    expect(cell.querySelector('.roi-value')).not.toHaveClass('good');
    expect(cell.querySelector('.roi-value')).not.toHaveClass('bad');
    expect(cell).toHaveAttribute('title', 'ROI 0.00：今日花费 ¥4.00，不足 ¥200.00，尚不评判');
  });

  it('shows — where nothing was spent: no ROI, no hint', () => {
    const { row, roiCell } = show();
    expect(roiCell('SEARCH')).toHaveTextContent(/^—$/);
    expect(row('SEARCH').querySelectorAll('td')[3]).toHaveTextContent(/^—$/);
    expect(row('SEARCH')).not.toHaveClass('roi-low');
    expect(roiCell('SEARCH').querySelector('[title]')).toHaveAttribute('title', '今日无投放花费，无 ROI');
  });

  it('puts the paid sources first, worst ROI first, so the ones to pause are never cut off', () => {
    show();
    const order = [...screen.getByTestId('source-roi').querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-source'));
    expect(order).toEqual(['PAID', 'CAMPAIGN', 'SOCIAL', 'SEARCH']);
  });

  it('says pause in English', () => {
    const { roiCell } = show('en');
    expect(roiCell('PAID')).toHaveTextContent('0.62pause');
    expect(screen.getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['Source', 'GMV', 'Conv.', 'Spend', 'ROI']);
  });
});
