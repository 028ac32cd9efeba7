import { Show, type JSX } from 'solid-js';
import { ConnectionBadge } from '../../components/ConnectionBadge';
import { useI18n } from '../../i18n/i18n';
import type { Freshness } from '../../lib/freshness';
import { formatClock, formatDate } from '../../lib/format';

/** Title, campaign picker, Beijing clock, the data's asOf, the connection badge and the language toggle. */
export function StatusBar(props: { picker: JSX.Element; nowWall: number; asOf: string | null; freshness: Freshness }) {
  const { t, locale, setLocale } = useI18n();
  return (
    <header class="status-bar">
      <div class="status-left">
        <h1>{t('app.title')}</h1>
        {props.picker}
      </div>
      <div class="status-right">
        <div class="clock" data-testid="clock">
          <span class="clock-label">{t('clock.label')}</span>
          <span class="clock-date">{formatDate(new Date(props.nowWall), locale())}</span>
          <span class="clock-time">{formatClock(new Date(props.nowWall), locale())}</span>
        </div>
        <div class="as-of">
          <span class="clock-label">{t('asOf.label')}</span>
          <span data-testid="as-of">
            <Show when={props.asOf} fallback="—">
              {(asOf) => formatClock(asOf(), locale())}
            </Show>
          </span>
        </div>
        <ConnectionBadge state={props.freshness} label={t(`badge.${props.freshness}`)} />
        <button
          type="button"
          class="lang-toggle"
          data-testid="lang-toggle"
          aria-label={t('lang.label')}
          onClick={() => setLocale(locale() === 'zh-CN' ? 'en' : 'zh-CN')}
        >
          {t('lang.toggle')}
        </button>
      </div>
    </header>
  );
}
