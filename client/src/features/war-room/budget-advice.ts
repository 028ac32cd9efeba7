/**
 * The hour-by-hour decision the manuals ask the room to make: "move ad budget when conversion beats or
 * misses plan", and pause a channel whose ROI is below 1.
 */
export type BudgetAdvice = 'pause' | 'add' | 'trim';

/**
 * Visitors a source needs today before its conversion is read against the target: with fewer, one buyer
 * more or less swings it by points (the conversion-drop alert's default sample, 200 visitors, as well).
 */
export const ADVICE_MIN_VISITORS = 200;

/**
 * Spend a source needs today before its ROI is advised on, in fen: ¥200, the ROI alert's default sample
 * (ROI_BELOW_ONE's minSample), so the wall does not say 建议暂停 where no alert would be raised and one
 * order more or less swings the ROI across 1.
 */
export const ADVICE_MIN_SPEND_FEN = 20_000;

export interface AdviceInput {
  /** Today's spend on the source in fen; a source with none has no budget to move. */
  spendFen: number;
  /** GMV / spend; null without spend. */
  roi: number | null;
  visitors: number;
  conversionRate: number;
}

/**
 * Only for a source with spend enough to judge (ADVICE_MIN_SPEND_FEN): below ROI 1 pause it (whatever its
 * conversion: it costs more than it sells); else, with enough visitors and a target, add budget where
 * conversion beats the target and trim it where it misses. Without a target or enough visitors, nothing is said.
 */
export function budgetAdvice(source: AdviceInput, conversionTarget: number | null): BudgetAdvice | null {
  if (source.spendFen < ADVICE_MIN_SPEND_FEN || source.roi === null) return null;
  if (source.roi < 1) return 'pause';
  if (conversionTarget === null || source.visitors < ADVICE_MIN_VISITORS) return null;
  return source.conversionRate >= conversionTarget ? 'add' : 'trim';
}

/**
 * How an ROI figure is coloured on the wall, one rule for the platforms' notes and the sources' table:
 * judged only with spend enough to judge (ADVICE_MIN_SPEND_FEN): red under 1, green from 1. Below that
 * it is grey ('unjudged'): at midnight ¥4 of spend and no sale yet read as a green 0.00 in the sources
 * table (its colour followed the pause advice, which waits for the sample) and a red 0.00 beside it on
 * the platforms — the same early figure judged two opposite ways, and neither fairly.
 */
export type RoiTone = 'bad' | 'good' | 'unjudged';

export function roiTone(spendFen: number, roi: number): RoiTone {
  if (spendFen < ADVICE_MIN_SPEND_FEN) return 'unjudged';
  return roi < 1 ? 'bad' : 'good';
}

/** Below the target (read only with enough visitors): the conversion figure is marked, paid or not. */
export const missesTarget = (source: Pick<AdviceInput, 'visitors' | 'conversionRate'>, conversionTarget: number | null): boolean =>
  conversionTarget !== null && source.visitors >= ADVICE_MIN_VISITORS && source.conversionRate < conversionTarget;
