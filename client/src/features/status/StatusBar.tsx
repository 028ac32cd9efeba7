import { Show, type JSX } from 'solid-js';
import { ConnectionBadge } from '../../components/ConnectionBadge';
import { LangToggle } from '../../components/LangToggle';
import { useI18n } from '../../i18n/i18n';
import type { Freshness } from '../../lib/freshness';
import { formatClock, formatDate } from '../../lib/format';

export interface StatusBarProps {
  picker: JSX.Element;
  nowWall: number;
  asOf: string | null;
  freshness: Freshness;
  /** Who is signed in and the sign-out control (staff sessions only; a kiosk key shows nothing). */
  account?: JSX.Element;
}

/** Title, campaign picker, Beijing clock, the data's asOf, the connection badge, the way to the console, the language toggle and the account. */
export function StatusBar(props: StatusBarProps) {
  const { t, locale } = useI18n();
  return (
    <header class="status-bar" data-panel>
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
        {/* A fixed-size link (the router takes the click): it never moves what is beside it. */}
        <a class="nav-link" href="/console" data-testid="console-link">
          {t('nav.console')}
        </a>
        <LangToggle />
        {props.account}
      </div>
    </header>
  );
}
