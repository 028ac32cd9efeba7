/**
 * Money arrives as exact decimal strings ("1234.50"). Parsing to integer fen keeps it exact: a
 * JavaScript number holds every fen amount up to ¥90 trillion without rounding.
 */
export function decimalToFen(value: string): number {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) throw new Error(`not a money amount: ${JSON.stringify(value)}`);
  const fen = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -fen : fen;
}

/** Fen back to the wire form, for comparing with what the API sent. */
export function fenToDecimal(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
