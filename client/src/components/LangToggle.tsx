import { useI18n } from '../i18n/i18n';

/** 中文 ⇄ English, remembered on this screen (see I18nProvider). */
export function LangToggle() {
  const { t, locale, setLocale } = useI18n();
  return (
    <button
      type="button"
      class="lang-toggle"
      data-testid="lang-toggle"
      aria-label={t('lang.label')}
      onClick={() => setLocale(locale() === 'zh-CN' ? 'en' : 'zh-CN')}
    >
      {t('lang.toggle')}
    </button>
  );
}
