/**
 * Yuan as typed ("1,250.5", "¥830", " 12 ") → the API's Decimal with two decimals ("1250.50"), or null when it
 * is not an amount above zero with at most two decimals. Done on the text, never through a float.
 */
export function amountOf(typed: string): string | null {
  const text = typed.trim().replace(/^[¥￥]/, '').replace(/[,，\s]/g, '');
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  const whole = match[1]!.replace(/^0+(?=\d)/, '');
  const fen = (match[2] ?? '').padEnd(2, '0');
  if (/^0+$/.test(whole) && fen === '00') return null;
  return `${whole}.${fen}`;
}
