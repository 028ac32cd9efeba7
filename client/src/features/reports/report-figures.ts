import type { Locale } from '../../i18n/messages';
import { formatInteger } from '../../lib/format';
import { money, rate, roiText } from '../console/console-format';
import type { Figures, ReportRow } from './reports.documents';

export type FigureKey = keyof ReportRow['change'] & keyof Figures;

/** The report's columns in the manual's order, each with how it reads and which way is good news. */
export const FIGURE_COLUMNS: readonly { key: FigureKey; format: (f: Figures, locale: Locale) => string; risingIs: 'good' | 'bad' | 'neutral' }[] = [
  { key: 'visitors', format: (f, l) => formatInteger(f.visitors, l), risingIs: 'good' },
  { key: 'pageViews', format: (f, l) => formatInteger(f.pageViews, l), risingIs: 'good' },
  { key: 'conversionRate', format: (f, l) => rate(f.conversionRate, l), risingIs: 'good' },
  { key: 'gmv', format: (f, l) => money(f.gmv, l), risingIs: 'good' },
  { key: 'orders', format: (f, l) => formatInteger(f.orders, l), risingIs: 'good' },
  { key: 'refundRate', format: (f, l) => rate(f.refundRate, l), risingIs: 'bad' },
  { key: 'spend', format: (f, l) => money(f.spend, l), risingIs: 'neutral' },
  { key: 'roi', format: (f, l) => roiText(f.roi, l), risingIs: 'good' },
];

/** good / bad / neutral for a change of a figure, so a rising refund rate reads red and a rising GMV green. */
export function changeTone(change: number | null, risingIs: 'good' | 'bad' | 'neutral'): 'good' | 'bad' | 'neutral' {
  if (change === null || change === 0 || risingIs === 'neutral') return 'neutral';
  return (change > 0) === (risingIs === 'good') ? 'good' : 'bad';
}
