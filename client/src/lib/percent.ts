/**
 * A ratio as a percentage and back, exactly: by moving the decimal point in the number's text (0.08 is 8, not
 * 8.000000000000002; "12.5" is 0.125), which JavaScript reads as the nearest number, as it reads "0.125".
 */
export const toPercent = (ratio: number): number => {
  const shifted = Number(`${ratio}e2`);
  return Number.isFinite(shifted) ? shifted : ratio * 100;
};

/** A percentage typed as decimal text ("3.25") as the ratio it stands for (0.0325). */
export const fromPercent = (text: string): number => Number(`${text}e-2`);
