import { Route, Router, type RouteSectionProps } from '@solidjs/router';
import { createQuery, Provider } from '@urql/solid';
import { createEffect, createMemo, createSignal, Match, Show, Switch, type JSX } from 'solid-js';
import { principalOf } from '../auth/credential';
import type { CredentialStore } from '../auth/credential-store';
import { SignInPage } from '../features/access/SignInPage';
import { SignOutButton } from '../features/access/SignOutButton';
import { createViewerPermissions } from '../features/access/viewer.data';
import { ConsoleLayout } from '../features/console/ConsoleLayout';
import { ConsoleRoutes } from '../features/console/ConsoleRoutes';
import { PhoneView } from '../features/phone/PhoneView';
import { CampaignPicker, defaultCampaign } from '../features/war-room/CampaignPicker';
import { WarRoom } from '../features/war-room/WarRoom';
import { CampaignsQuery } from '../features/war-room/war-room.documents';
import type { ApiClients } from '../graphql/client';
import type { ConnectionStore } from '../graphql/connection';
import { errorIn } from '../graphql/refusal';
import { retryWhileFailed } from '../graphql/retry';
import { I18nProvider, useI18n } from '../i18n/i18n';
import type { Locale } from '../i18n/messages';
import { createClock } from '../lib/clock';
import { ScaledCanvas } from '../layout/ScaledCanvas';

export type View = 'wall' | 'phone';

export interface AppProps {
  clients: ApiClients;
  connection: ConnectionStore;
  credentials: CredentialStore;
  /** `?staleAfter=`: fixes the stale threshold, in ms; unset, it follows the heartbeat the server announces. */
  staleAfterMs?: number;
  locale?: Locale;
}

/**
 * The screens by address (the server serves index.html for every path): `/m` the phone, `/console/…`
 * the operations console (运营台), anything else the war room on the wall. Each shows the sign-in page
 * to whoever holds no credential.
 */
export function App(props: AppProps) {
  const principal = createMemo(() => {
    const credential = props.credentials.current();
    return credential ? principalOf(credential) : null;
  });
  const signedIn = createMemo(() => principal() !== null);
  // Signed out, the socket is gone for good: the next sign-in's socket is a first connection, not a reconnect.
  createEffect(() => {
    if (!signedIn()) props.connection.reset();
  });
  const account = () => <SignOutButton credentials={props.credentials} />;
  const gate = (page: () => JSX.Element) => (
    <Show when={signedIn()} fallback={<SignInPage credentials={props.credentials} />}>
      {page()}
    </Show>
  );
  // Built afresh for each principal, with that principal's urql client (createApiClients says why not the
  // last one's): after a key link typed into the tab, or a sign-in as someone else, every question on the
  // screen is asked again with the new credential instead of the last one's answers staying on screen. A
  // refresh keeps the principal, and the screen. (Show calls its child once per key only when the child
  // takes the key as a parameter.)
  const perPrincipal = (page: () => JSX.Element) =>
    gate(() => (
      <Show when={principal()} keyed>
        {(who: string) => <Provider value={props.clients.urqlFor(who)}>{page()}</Provider>}
      </Show>
    ));
  const screen = (view: View) =>
    perPrincipal(() => <Screen view={view} credentials={props.credentials} connection={props.connection} staleAfterMs={props.staleAfterMs} account={account()} />);
  return (
    <I18nProvider locale={props.locale}>
      <Router>
        <Route path="/m" component={() => <div class="phone-page">{screen('phone')}</div>} />
        <Route
          path="/console"
          component={(route: RouteSectionProps) => (
            <div class="console-page">
              {perPrincipal(() => (
                <ConsoleLayout credentials={props.credentials} connection={props.connection} account={account()}>
                  {route.children}
                </ConsoleLayout>
              ))}
            </div>
          )}
        >
          <ConsoleRoutes />
        </Route>
        <Route path="*" component={() => <ScaledCanvas>{screen('wall')}</ScaledCanvas>} />
      </Router>
    </I18nProvider>
  );
}

/**
 * Picks the campaign (`?campaign=<id>`, else the active one) and shows its war room or phone view.
 * Lives as long as its principal is signed in, so what the viewer may do is asked once, not again per campaign.
 */
function Screen(props: { view: View; credentials: Pick<CredentialStore, 'current'>; connection: ConnectionStore; staleAfterMs: number | undefined; account: JSX.Element }) {
  const { t, locale } = useI18n();
  const now = createClock();
  const permissions = createViewerPermissions(() => props.credentials.current());
  const [campaigns, reloadCampaigns] = createQuery({ query: CampaignsQuery });
  // Nothing shows without the list: a server not up yet when the kiosk starts is waited for, not reported for good.
  retryWhileFailed({
    error: () => campaigns.error,
    retry: () => reloadCampaigns({ requestPolicy: 'network-only' }),
    connects: props.connection.connects,
  });
  const list = createMemo(() => (campaigns.data?.campaigns.edges ?? []).map((e) => e.node));
  const [chosen, setChosen] = createSignal<string | null>(new URLSearchParams(location.search).get('campaign'));
  const campaignId = createMemo(() => {
    const id = chosen();
    return id && list().some((c) => c.id === id) ? id : (defaultCampaign(list())?.id ?? null);
  });
  const select = (id: string) => {
    setChosen(id);
    const url = new URL(location.href);
    url.searchParams.set('campaign', id);
    history.replaceState(null, '', url);
  };
  return (
    <Switch>
      <Match when={!campaigns.data}>
        <ScreenMessage account={props.account} note={campaigns.error && t('app.retrying', { message: errorIn(campaigns.error, locale()) })}>
          {t('app.loading')}
        </ScreenMessage>
      </Match>
      <Match when={campaigns.data && list().length === 0}>
        <ScreenMessage account={props.account}>{t('app.noCampaign')}</ScreenMessage>
      </Match>
      <Match when={campaignId()}>
        <Show when={campaignId()} keyed>
          {(id) => {
            const screenProps = {
              campaignId: id,
              now,
              connection: props.connection,
              staleAfterMs: props.staleAfterMs,
              account: props.account,
              picker: <CampaignPicker campaigns={list()} selected={id} onSelect={select} />,
            };
            return (
              <Show when={props.view === 'phone'} fallback={<WarRoom {...screenProps} permissions={permissions()} />}>
                <PhoneView {...screenProps} permissions={permissions()} />
              </Show>
            );
          }}
        </Show>
      </Match>
    </Switch>
  );
}

/** A whole-screen message; a signed-in person can still sign out from it (say, to try another account). */
function ScreenMessage(props: { account: JSX.Element; note?: string; children: JSX.Element }) {
  return (
    <div class="screen-message">
      <p>{props.children}</p>
      <Show when={props.note}>{(note) => <p class="screen-message-note">{note()}</p>}</Show>
      {props.account}
    </div>
  );
}
