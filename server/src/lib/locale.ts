/** The languages PeakOps speaks: the room's own (the default) and English, as the war room's toggle. */
export type Locale = 'zh-CN' | 'en';

/**
 * A sentence for people in both languages. `message` is the Chinese one: the text stored and sent
 * everywhere a language cannot be asked for (webhooks to 钉钉/企业微信/飞书, exports); `messageEn`
 * is what a reader who asked for English gets.
 */
export interface Worded {
  message: string;
  messageEn: string;
}

/** The text for `locale`; English falls back to the Chinese where none was written (rows older than it). */
export const inLocale = (worded: { message: string; messageEn?: string | null }, locale: Locale): string =>
  locale === 'en' ? (worded.messageEn ?? worded.message) : worded.message;

/**
 * A ratio as the room writes it, one decimal, cut as the screens cut a share of a goal: 0.0315 → "3.1%", and a
 * pace of 0.8996 reads 89.9%, never the 90.0% of a threshold it has not reached. The small nudge keeps a
 * ratio whose binary value sits a hair under its decimal (0.57 × 1000 = 569.99…) at its decimal.
 */
export const pct = (x: number): string => `${(Math.floor(x * 1000 + 1e-6) / 10).toFixed(1)}%`;
