import { Navigate, useNavigate, useParams } from '@solidjs/router';
import { createQuery } from '@urql/solid';
import { createMemo, Match, Show, Switch, type JSX } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { errorIn } from '../../graphql/refusal';
import { retryWhileFailed } from '../../graphql/retry';
import { useI18n } from '../../i18n/i18n';
import { idFromPath, useConsole } from './console.context';
import { CampaignPicker, defaultCampaign } from '../war-room/CampaignPicker';
import { CampaignsQuery } from '../war-room/war-room.documents';

type CampaignOption = { id: string; name: string; status: string; endsAt: string };

/** The retrospective's default: the campaign that ended last (the one whose 复盘 is due), else the war room's. */
export function lastEnded<T extends CampaignOption>(campaigns: readonly T[]): T | undefined {
  const ended = campaigns.filter((c) => c.status === 'ENDED').sort((a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt));
  return ended[0] ?? defaultCampaign(campaigns);
}

export interface CampaignRouteProps {
  /** `/console/retrospective`: the id goes after it. */
  base: string;
  choose: (campaigns: readonly CampaignOption[]) => CampaignOption | undefined;
  children: (campaignId: string) => JSX.Element;
}

/** A console page about one campaign (`<base>/:campaignId`), with a picker; without an id, the default campaign's page. */
export function CampaignRoute(props: CampaignRouteProps) {
  const { t, locale } = useI18n();
  const params = useParams<{ campaignId?: string }>();
  const navigate = useNavigate();
  const [campaigns, reloadCampaigns] = createQuery({ query: CampaignsQuery });
  retryWhileFailed({ error: () => campaigns.error, retry: () => reloadCampaigns({ requestPolicy: 'network-only' }), connects: useConsole().connects });
  const list = createMemo(() => (campaigns.data?.campaigns.edges ?? []).map((e) => e.node));
  const fallback = createMemo(() => props.choose(list())?.id);
  return (
    <Switch>
      <Match when={idFromPath(params.campaignId)}>
        {(id) => (
          <>
            <div class="console-campaign">
              <CampaignPicker campaigns={list()} selected={id()} onSelect={(next) => navigate(`${props.base}/${encodeURIComponent(next)}`)} />
            </div>
            <Show when={id()} keyed>
              {(campaignId) => props.children(campaignId)}
            </Show>
          </>
        )}
      </Match>
      <Match when={campaigns.error && !campaigns.data}>
        <p class="empty">{t('app.loading')}</p>
        <InlineError message={campaigns.error && t('app.retrying', { message: errorIn(campaigns.error, locale()) })} />
      </Match>
      <Match when={fallback()}>{(id) => <Navigate href={`${props.base}/${encodeURIComponent(id())}`} />}</Match>
      <Match when={campaigns.data}>
        <p class="empty">{t('app.noCampaign')}</p>
      </Match>
      <Match when={true}>
        <p class="empty">{t('app.loading')}</p>
      </Match>
    </Switch>
  );
}
