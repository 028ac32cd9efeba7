import { createQuery, Provider } from '@urql/solid';
import { createMemo, createSignal, Match, Show, Switch } from 'solid-js';
import { CampaignPicker, defaultCampaign } from '../features/war-room/CampaignPicker';
import { WarRoom } from '../features/war-room/WarRoom';
import { CampaignsQuery } from '../features/war-room/war-room.documents';
import type { ApiClients } from '../graphql/client';
import type { ConnectionStore } from '../graphql/connection';
import { I18nProvider, useI18n } from '../i18n/i18n';
import type { Locale } from '../i18n/messages';
import { createClock } from '../lib/clock';
import { ScaledCanvas } from '../layout/ScaledCanvas';

export interface AppProps {
  clients: ApiClients;
  connection: ConnectionStore;
  staleAfterMs: number;
  locale?: Locale;
}

export function App(props: AppProps) {
  return (
    <I18nProvider locale={props.locale}>
      <Provider value={props.clients.urql}>
        <ScaledCanvas>
          <Screen connection={props.connection} staleAfterMs={props.staleAfterMs} />
        </ScaledCanvas>
      </Provider>
    </I18nProvider>
  );
}

/** Picks the campaign (`?campaign=<id>`, else the active one) and shows its war room. */
function Screen(props: { connection: ConnectionStore; staleAfterMs: number }) {
  const { t } = useI18n();
  const now = createClock();
  const [campaigns] = createQuery({ query: CampaignsQuery });
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
      <Match when={campaigns.error}>{(error) => <p class="screen-message">{t('app.error', { message: error().message })}</p>}</Match>
      <Match when={!campaigns.data}>
        <p class="screen-message">{t('app.loading')}</p>
      </Match>
      <Match when={campaigns.data && list().length === 0}>
        <p class="screen-message">{t('app.noCampaign')}</p>
      </Match>
      <Match when={campaignId()}>
        <Show when={campaignId()} keyed>
          {(id) => (
            <WarRoom
              campaignId={id}
              now={now}
              connection={props.connection}
              staleAfterMs={props.staleAfterMs}
              picker={<CampaignPicker campaigns={list()} selected={id} onSelect={select} />}
            />
          )}
        </Show>
      </Match>
    </Switch>
  );
}
