import { createContext, createSignal, useContext, type Accessor, type ParentProps } from 'solid-js';
import { translate, type Locale, type MessageKey } from './messages';

const STORAGE_KEY = 'peakops.locale';

export interface I18n {
  locale: Accessor<Locale>;
  setLocale(locale: Locale): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
}

const I18nContext = createContext<I18n>();

/** zh-CN unless `?lang=en` or the last choice on this screen (kept in localStorage) says English. */
export function initialLocale(): Locale {
  const asked = new URLSearchParams(globalThis.location?.search ?? '').get('lang');
  if (asked === 'en' || asked === 'zh-CN') return asked;
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return stored === 'en' ? 'en' : 'zh-CN';
}

export function I18nProvider(props: ParentProps<{ locale?: Locale }>) {
  const [locale, setLocaleSignal] = createSignal<Locale>(props.locale ?? initialLocale());
  // index.html says zh-CN; ?lang=en or a saved choice may differ. The tab's title follows the language too.
  const showLanguage = (next: Locale) => {
    document.documentElement.lang = next;
    document.title = translate(next, 'app.title');
  };
  showLanguage(locale());
  const i18n: I18n = {
    locale,
    setLocale(next) {
      setLocaleSignal(next);
      globalThis.localStorage?.setItem(STORAGE_KEY, next);
      showLanguage(next);
    },
    t: (key, params) => translate(locale(), key, params),
  };
  return <I18nContext.Provider value={i18n}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside <I18nProvider>');
  return i18n;
}
