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

/** A ratio as the room writes it, one decimal: 0.0315 → "3.2%". */
export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
