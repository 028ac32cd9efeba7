import { fireEvent, render, screen } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { I18nProvider, initialLocale, useI18n } from './i18n';

function Probe() {
  const { t, locale, setLocale } = useI18n();
  return (
    <button type="button" data-locale={locale()} onClick={() => setLocale(locale() === 'en' ? 'zh-CN' : 'en')}>
      {t('app.title')}
    </button>
  );
}

const renderProbe = () => render(() => (
  <I18nProvider>
    <Probe />
  </I18nProvider>
));

describe('which language a screen opens in', () => {
  it('is Chinese by default', () => {
    expect(initialLocale()).toBe('zh-CN');
    renderProbe();
    expect(screen.getByRole('button')).toHaveTextContent('PeakOps 作战室');
    expect(document.title).toBe('PeakOps 作战室');
  });

  it('is English with ?lang=en, and ?lang= beats the stored choice', () => {
    history.replaceState(null, '', '/?lang=en');
    expect(initialLocale()).toBe('en');
    localStorage.setItem('peakops.locale', 'en');
    history.replaceState(null, '', '/?lang=zh-CN');
    expect(initialLocale()).toBe('zh-CN');
  });

  it('ignores a language it does not have', () => {
    history.replaceState(null, '', '/?lang=fr');
    localStorage.setItem('peakops.locale', 'de');
    expect(initialLocale()).toBe('zh-CN');
  });

  it('is the last choice made on this screen, kept across a reload', () => {
    const first = renderProbe();
    fireEvent.click(screen.getByRole('button'));
    expect(screen.getByRole('button')).toHaveTextContent('PeakOps War Room');
    expect(localStorage.getItem('peakops.locale')).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(document.title).toBe('PeakOps War Room'); // the browser tab too
    first.unmount();

    renderProbe();
    expect(screen.getByRole('button')).toHaveAttribute('data-locale', 'en');
    expect(screen.getByRole('button')).toHaveTextContent('PeakOps War Room');
  });

  it('needs a provider', () => {
    expect(() => render(() => <Probe />)).toThrow(/useI18n outside <I18nProvider>/);
  });
});
