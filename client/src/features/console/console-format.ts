import type { Locale } from '../../i18n/messages';
import { decimalToFen } from '../../lib/decimal';
import { formatCnyExact, formatPercent, formatRoi } from '../../lib/format';

/** A Decimal from the API as exact yuan: "1234.5" → ¥1,234.50. */
export const money = (decimal: string, locale: Locale) => formatCnyExact(decimalToFen(decimal), locale);

/** A rate in [0, 1], or — when there is nothing to divide by. */
export const rate = (value: number | null, locale: Locale, digits = 2) => (value === null ? '—' : formatPercent(value, locale, digits));

/** ROI = GMV / spend with two decimals, — without spend. */
export const roiText = (value: number | null, locale: Locale) => (value === null ? '—' : formatRoi(value, locale));
