/**
 * Money is integer fen (分) everywhere inside PeakOps and an exact yuan decimal string on the wire.
 * Conversions go through strings and integers only; a float never touches an amount.
 */
const YUAN = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

export class MoneyFormatError extends Error {
  override name = 'MoneyFormatError';
  /** The same refusal in Chinese, for a console that shows it. */
  readonly messageZh: string;
  constructor(words: { en: string; zh: string }) {
    super(words.en);
    this.messageZh = words.zh;
  }
}

/** "1234.5" → 123450. Rejects more than two decimals rather than rounding someone's money. */
export function yuanToFen(value: string): number {
  const match = YUAN.exec(value.trim());
  if (!match) throw new MoneyFormatError({ en: `"${value}" is not an amount in yuan with at most two decimals`, zh: `"${value}" 不是以元为单位、最多两位小数的金额` });
  const [, minus, whole = '0', cents = ''] = match;
  const fen = Number(whole) * 100 + Number(cents.padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) throw new MoneyFormatError({ en: `"${value}" is too large`, zh: `"${value}" 金额过大` });
  return minus && fen !== 0 ? -fen : fen;
}

/** 123450 → "1234.50" */
export function fenToYuan(fen: number | bigint | string): string {
  // A safe integer splits exactly in number arithmetic (the remainder is exact, and so is dividing the
  // rest, a multiple of 100); BigInt allocates at each step, and a page formats every amount on it.
  if (typeof fen === 'number' && Number.isSafeInteger(fen)) {
    const abs = Math.abs(fen);
    const cents = abs % 100;
    return `${fen < 0 ? '-' : ''}${(abs - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
  }
  const big = BigInt(fen);
  const negative = big < 0n;
  const abs = negative ? -big : big;
  const whole = abs / 100n;
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${cents}`;
}

/**
 * 10770620 → "107,706.20": an exact amount as a person reads it in a message (an alert's words, a note),
 * grouped by thousands as the screens show money. The wire's Decimal stays ungrouped (fenToYuan).
 */
export function fenToYuanGrouped(fen: number | bigint | string): string {
  const plain = fenToYuan(fen);
  const point = plain.indexOf('.');
  return plain.slice(0, point).replace(/\B(?=(\d{3})+$)/g, ',') + plain.slice(point);
}
