/**
 * What the screen should print for an API figure, written out by hand (not with the client's
 * formatters or Intl), so a formatting bug in the client cannot agree with itself.
 */

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function parseDecimal(value: string): { negative: boolean; whole: string; cents: string } {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) throw new Error(`not a money amount: ${JSON.stringify(value)}`);
  return { negative: Boolean(match[1]), whole: match[2]!.replace(/^0+(?=\d)/, ''), cents: (match[3] ?? '').padEnd(2, '0') };
}

/** "123510.1" → 12351010 (fen). */
export function decimalToFen(value: string): number {
  const { negative, whole, cents } = parseDecimal(value);
  const fen = Number(whole) * 100 + Number(cents);
  return negative ? -fen : fen;
}

/** 12351010 → "123510.10". */
export function fenToDecimal(fen: number): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "123510.1" → "¥123,510.10": the zh-CN exact amount (yuan sign, thousands grouping, two decimals). */
export function formatYuanExact(value: string): string {
  const { negative, whole, cents } = parseDecimal(value);
  return `${negative ? '-' : ''}¥${group(whole)}.${cents}`;
}

/**
 * The big rolling figure in zh-CN once it has settled: exact below ¥1万, else 万/亿 with two decimals,
 * truncated (a GMV just under a round number must never read as the round number).
 */
export function formatYuanCompact(value: string): string {
  const { negative, whole, cents } = parseDecimal(value);
  const sign = negative ? '-' : '';
  const fen = BigInt(whole) * 100n + BigInt(cents);
  if (fen < 1_000_000n) return formatYuanExact(value);
  const [unit, perUnitFen] = fen < 10_000_000_000n ? ['万', 1_000_000n] : ['亿', 10_000_000_000n];
  const hundredths = (fen * 100n) / perUnitFen; // truncated
  return `${sign}¥${group(String(hundredths / 100n))}.${String(hundredths % 100n).padStart(2, '0')}${unit}`;
}

/** 1234 → "1,234". */
export function formatCount(value: number): string {
  return group(String(value));
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The Asia/Shanghai day around `now` (China has no DST), as the TODAY window of liveMetrics. */
export function shanghaiDay(now = Date.now()): { from: string; to: string } {
  const start = Math.floor((now + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
  return { from: new Date(start).toISOString(), to: new Date(start + DAY_MS).toISOString() };
}
