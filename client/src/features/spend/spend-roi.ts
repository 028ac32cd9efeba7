import { decimalToFen } from '../../lib/decimal';

/**
 * 投放 ROI: the GMV of the sources money went to, over that money. The API's day ROI (全店 ROI) is all of the
 * shop's GMV over its spend, natural search and direct visits included, so on a day of little spend it read
 * 100.67 above sources of 2.98 and 0.00: a shop's figure, not what its ads returned. From the integer fen, so
 * an exact 1 is not read as 0.999…; null without spend.
 */
export function paidSourcesRoi(sources: readonly { gmv: string; spend: string }[]): number | null {
  let gmvFen = 0;
  let spendFen = 0;
  for (const s of sources) {
    const spent = decimalToFen(s.spend);
    if (spent <= 0) continue;
    spendFen += spent;
    gmvFen += decimalToFen(s.gmv);
  }
  return spendFen > 0 ? gmvFen / spendFen : null;
}
