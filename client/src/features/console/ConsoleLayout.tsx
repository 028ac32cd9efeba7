import { A } from '@solidjs/router';
import type { JSX, ParentProps } from 'solid-js';
import type { CredentialStore } from '../../auth/credential-store';
import { LangToggle } from '../../components/LangToggle';
import type { ConnectionStore } from '../../graphql/connection';
import { useI18n } from '../../i18n/i18n';
import { createClock } from '../../lib/clock';
import { createViewerPermissions } from '../access/viewer.data';
import { ConsoleContext } from './console.context';

export interface ConsoleLayoutProps {
  credentials: CredentialStore;
  connection: ConnectionStore;
  /** The signed-in person and the sign-out control. */
  account: JSX.Element;
}

/**
 * The operations console (运营台): a scrolling page in the war room's colours, with its own navigation
 * and the way back to the wall. What the viewer may do is asked once here, for every page below.
 */
export function ConsoleLayout(props: ParentProps<ConsoleLayoutProps>) {
  const { t } = useI18n();
  const permissions = createViewerPermissions(() => props.credentials.current());
  const clock = createClock(60_000);
  const services = { permissions, credentials: props.credentials, connects: () => props.connection.connects(), now: () => clock().wall };
  return (
    <ConsoleContext.Provider value={services}>
      <div class="console" data-testid="console">
        <header class="console-bar">
          <div class="console-brand">
            <h1>{t('console.title')}</h1>
            <nav class="console-nav" aria-label={t('console.nav')}>
              <A href="/console/reports" activeClass="active">{t('console.reports')}</A>
              <A href="/console/campaigns" activeClass="active">{t('console.campaigns')}</A>
              <A href="/console/retrospective" activeClass="active">{t('console.retrospective')}</A>
              <A href="/console/milestones" activeClass="active">{t('console.milestones')}</A>
              <A href="/console/customers" activeClass="active">{t('console.customers')}</A>
              <A href="/console/products" activeClass="active">{t('console.products')}</A>
              <A href="/console/spend" activeClass="active">{t('console.spend')}</A>
              <A href="/console/alerts" activeClass="active">{t('console.alerts')}</A>
              <A href="/console/alert-rules" activeClass="active">{t('console.alertRules')}</A>
              <A href="/console/webhooks" activeClass="active">{t('console.webhooks')}</A>
              <A href="/console/access" activeClass="active">{t('console.access')}</A>
            </nav>
          </div>
          <div class="console-tools">
            <a class="nav-link" href="/" data-testid="war-room-link">
              {t('nav.warRoom')}
            </a>
            <LangToggle />
            {props.account}
          </div>
        </header>
        <main class="console-main">{props.children}</main>
      </div>
    </ConsoleContext.Provider>
  );
}
