/**
 * Splits `total` (whole units, ≥ 0) in proportion to `weights` so that every running total is its prefix's
 * exact share rounded to a whole unit (half up): a plan's cumulative at any hour, and so at the end of any day,
 * reads as the target's exact share — ¥500,000.00 after three of eighteen even days of ¥3,000,000, not a fen
 * or five over as leftover fen given to the earliest hours made it. Each part is within a unit of its exact
 * share, and the parts sum exactly to `total`.
 */
export function allocateByRoundedPrefix(total: number, weights: readonly number[]): number[] {
  // Scaled by the largest weight first, so that neither the sum nor total × share can overflow to Infinity.
  const largest = weights.reduce((a, w) => Math.max(a, w), 0);
  if (weights.length === 0 || !(largest > 0) || !Number.isFinite(largest)) return weights.map(() => 0);
  const scaled = weights.map((w) => Math.max(0, w) / largest);
  const sum = scaled.reduce((a, w) => a + w, 0);
  const parts: number[] = [];
  let prefix = 0;
  let given = 0;
  for (let i = 0; i < scaled.length; i++) {
    prefix += scaled[i]!;
    // Clamped: float error may put a share a hair over the whole; the last part takes exactly what is left.
    const upTo = i === scaled.length - 1 ? total : Math.min(total, Math.max(given, Math.round(total * (prefix / sum))));
    parts.push(upTo - given);
    given = upTo;
  }
  return parts;
}
