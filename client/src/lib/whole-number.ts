/** The largest value a GraphQL Int (and the stock column) holds. */
export const MAX_INT = 2_147_483_647;

/**
 * A whole number as typed ("500", "1,200", " 30 ") → the number, or null when it is not one of the digits
 * alone (no sign, no decimals) or is past what a GraphQL Int holds. Read from the text: "1e3" and "12.0"
 * are not whole units typed.
 */
export function wholeNumberOf(typed: string): number | null {
  const text = typed.trim().replace(/[,，\s]/g, '');
  if (!/^\d{1,10}$/.test(text)) return null;
  const n = Number(text);
  return n <= MAX_INT ? n : null;
}
