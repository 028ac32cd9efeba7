import { builder } from '../builder.js';
import type { Locale } from '../lib/locale.js';

export const LocaleEnum = builder.enumType('Locale', {
  description:
    'A language PeakOps writes its sentences in: alert and anomaly messages (简体中文 unless asked) and refusals (userErrors: English unless asked).',
  values: {
    ZH_CN: { value: 'zh-CN' as Locale, description: '简体中文' },
    EN: { value: 'en' as Locale, description: 'English' },
  } as const,
});

/** The `locale` argument of a field that answers a sentence; Chinese unless asked. */
export const localeArg = builder.args((t) => ({
  locale: t.field({ type: LocaleEnum, defaultValue: 'zh-CN', required: true, description: 'The language of the answer; ZH_CN unless asked.' }),
}));

/**
 * The `locale` argument of a refusal's `message`. English unless asked: that is what every partner was
 * given before refusals spoke Chinese, and a document without the argument keeps getting it.
 */
export const refusalLocaleArg = builder.args((t) => ({
  locale: t.field({ type: LocaleEnum, required: false, description: 'ZH_CN for the Chinese; English without it.' }),
}));

/** A refusal's text in the language asked for. */
export const refusalIn = (refusal: { message: string; messageZh: string }, locale: Locale | null | undefined): string =>
  locale === 'zh-CN' ? refusal.messageZh : refusal.message;

/** The `message(locale:)` field of every kind of refusal (UserError, IngestEventError, MarketingSpendError). */
export const refusalMessageField = {
  description: 'What was wrong, in English unless `locale: ZH_CN` asks for Chinese.',
  args: refusalLocaleArg,
  resolve: (refusal: { message: string; messageZh: string }, { locale }: { locale?: Locale | null }) => refusalIn(refusal, locale),
};
