import { builder } from '../builder.js';
import type { Locale } from '../lib/locale.js';

export const LocaleEnum = builder.enumType('Locale', {
  description: 'A language PeakOps writes its sentences in (alert and anomaly messages): 简体中文 (the default) or English.',
  values: {
    ZH_CN: { value: 'zh-CN' as Locale, description: '简体中文' },
    EN: { value: 'en' as Locale, description: 'English' },
  } as const,
});

/** The `locale` argument of a field that answers a sentence; Chinese unless asked. */
export const localeArg = builder.args((t) => ({
  locale: t.field({ type: LocaleEnum, defaultValue: 'zh-CN', required: true, description: 'The language of the answer; ZH_CN unless asked.' }),
}));
