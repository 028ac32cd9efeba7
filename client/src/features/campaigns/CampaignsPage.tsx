import { A, useSearchParams } from '@solidjs/router';
import { createQuery, useClient } from '@urql/solid';
import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ConsoleTable } from '../../components/ConsoleTable';
import { InlineError } from '../../components/InlineError';
import { Pager } from '../../components/Pager';
import { sendMutation, type MutationOutcome } from '../../graphql/mutation-outcome';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatDateTimeInYear, formatPercentReached } from '../../lib/format';
import { money } from '../console/console-format';
import { canManage, useConsole } from '../console/console.context';
import { useSaveFailure } from '../console/save-failure';
import { ConsoleShopsQuery, type ShopOption } from '../reports/reports.documents';
import { createCampaignInput, emptyCampaignForm, formOfCampaign, updateCampaignInput, type CampaignForm } from './campaign-form';
import { CampaignEditor } from './CampaignEditor';
import { ConsoleCampaignsQuery, CreateCampaignMutation, DeleteCampaignMutation, UpdateCampaignMutation, type CampaignRow, type CampaignStatus, type CampaignUpdate } from './campaigns.documents';

const TABS: readonly (CampaignStatus | null)[] = [null, 'ACTIVE', 'UPCOMING', 'ENDED', 'CANCELLED'];
const statusOf = (value: string | undefined): CampaignStatus | null => TABS.find((s) => s === value) ?? null;

/**
 * 活动管理: the campaigns (`?status=`), each with its window, shops, GMV target and how far it has come, and
 * the ways to its war room, milestones and 复盘; with MANAGE, 新建活动, 编辑 and 取消活动 / 恢复活动.
 */
export function CampaignsPage() {
  const { t, locale } = useI18n();
  const services = useConsole();
  const client = useClient();
  const [search, setSearch] = useSearchParams<{ status?: string }>();
  const status = () => statusOf(search.status);
  const [cursors, setCursors] = createSignal<(string | null)[]>([null]);
  createEffect(on(status, () => setCursors([null]), { defer: true }));
  const [campaigns, refetch] = createQuery({ query: ConsoleCampaignsQuery, variables: () => ({ status: status(), after: cursors().at(-1) ?? null }) });
  const [shops] = createQuery({ query: ConsoleShopsQuery });
  const [creating, setCreating] = createSignal(false);
  const shopList = () => shops.data?.shops.edges.map((e) => e.node) ?? [];
  const mayManage = () => canManage(services.permissions());
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const page = () => campaigns.data?.campaigns;

  const save = async (input: CampaignUpdate) => {
    const outcome = await sendMutation(client, UpdateCampaignMutation, { input }, (data) => data.updateCampaign, (payload) => payload.campaign);
    if (outcome.ok) reload();
    return outcome;
  };
  const remove = async (id: string) => {
    const outcome = await sendMutation(client, DeleteCampaignMutation, { input: { id } }, (data) => data.deleteCampaign, (payload) => payload.campaign);
    if (outcome.ok) reload();
    return outcome;
  };
  // One requestId per opened form: saving again after an answer was lost (the campaign may already be
  // made) is answered with that campaign instead of making a second one.
  let requestId = '';
  const openNew = () => {
    requestId = `console-${crypto.randomUUID()}`;
    setCreating(true);
  };
  const create = async (form: CampaignForm) => {
    const built = createCampaignInput(form, services.now());
    if ('problem' in built) return built;
    const outcome = await sendMutation(client, CreateCampaignMutation, { input: { ...built.input, requestId } }, (data) => data.createCampaign, (payload) => payload.campaign);
    if (outcome.ok) {
      setCreating(false);
      reload();
    }
    return outcome;
  };

  return (
    <div class="console-page-body" data-testid="campaigns-page">
      <div class="console-toolbar">
        <h2>{t('campaigns.title')}</h2>
        <div class="tabs" role="group" aria-label={t('campaigns.title')}>
          <For each={TABS}>
            {(tab) => (
              <button type="button" aria-pressed={status() === tab} onClick={() => setSearch({ status: tab ?? undefined })}>
                {t(tab ? (`campaigns.status.${tab}` as MessageKey) : 'campaigns.all')}
              </button>
            )}
          </For>
        </div>
        <Show when={mayManage() && !creating()}>
          <button type="button" class="primary" onClick={openNew}>
            {t('campaigns.new')}
          </button>
        </Show>
      </div>
      <InlineError message={(campaigns.error ?? shops.error) && t('app.error', { message: errorIn((campaigns.error ?? shops.error)!, locale()) })} />
      <Show when={creating()}>
        <section class="console-card">
          <h3>{t('campaigns.new')}</h3>
          <CampaignEditor initial={emptyCampaignForm()} editing={false} recordOnly={false} shops={shopList()} nowMs={services.now()} onSubmit={create} onCancel={() => setCreating(false)} />
        </section>
      </Show>
      <section class="console-card">
        <Show when={page()} fallback={<p class="empty">{t('app.loading')}</p>}>
          {(p) => (
            <Show when={p().edges.length > 0} fallback={<p class="empty">{t('campaigns.none')}</p>}>
              <ConsoleTable class="campaigns-table" columns={[t('campaigns.name'), t('campaigns.window'), t('campaigns.shops'), t('campaigns.target'), t('campaigns.progress'), '']}>
                <For each={p().edges.map((e) => e.node.id)}>
                  {(id) => (
                    <Show when={p().edges.find((e) => e.node.id === id)?.node}>
                      {(c) => <CampaignItem campaign={c()} shops={shopList()} canManage={mayManage()} onSave={save} onDelete={remove} />}
                    </Show>
                  )}
                </For>
              </ConsoleTable>
            </Show>
          )}
        </Show>
        <Pager cursors={cursors} setCursors={setCursors} pageInfo={page()?.pageInfo} />
      </section>
    </div>
  );
}

function CampaignItem(props: {
  campaign: CampaignRow;
  shops: readonly ShopOption[];
  canManage: boolean;
  onSave: (input: CampaignUpdate) => Promise<MutationOutcome<unknown>>;
  onDelete: (id: string) => Promise<MutationOutcome<unknown>>;
}) {
  const { t, locale } = useI18n();
  const services = useConsole();
  const [editing, setEditing] = createSignal(false);
  const failure = useSaveFailure();
  const c = () => props.campaign;
  const live = () => c().status === 'ACTIVE' || c().status === 'ENDED';
  // Past its end a campaign is its retrospective's record (the server refuses the rest).
  const ended = () => Date.parse(c().endsAt) <= services.now();
  const save = async (form: CampaignForm) => {
    const change = updateCampaignInput(c(), form);
    if (change === null) {
      setEditing(false);
      return null;
    }
    if ('problem' in change) return change;
    const outcome = await props.onSave(change.input);
    if (outcome.ok) setEditing(false);
    return outcome;
  };
  const setCancelled = async (cancelled: boolean) => failure.show(await props.onSave({ id: c().id, cancelled }));
  const remove = async () => failure.show(await props.onDelete(c().id), 'campaigns.deleteFailed');
  return (
    <tbody data-testid="campaign" data-status={c().status}>
      <tr>
        <th scope="row">
          {c().name}
          <span class={`tag ${c().status === 'ACTIVE' ? 'good' : c().status === 'CANCELLED' ? 'bad' : ''}`}>{t(`campaigns.status.${c().status}` as MessageKey)}</span>
          <Show when={c().theme}>{(theme) => <span class="campaign-theme">{theme()}</span>}</Show>
          <Show when={c().partial}>
            <span class="tag" data-testid="campaign-partial" title={t('campaigns.partialNote')}>
              {t('campaigns.partial')}
            </span>
          </Show>
        </th>
        <td>
          {formatDateTimeInYear(c().startsAt, locale(), services.now())} – {formatDateTimeInYear(c().endsAt, locale(), services.now())}
        </td>
        <td>{c().shops.map((s) => s.name).join('、')}</td>
        <td class="num">{money(c().gmvTarget, locale())}</td>
        <td class="num">
          <Show when={live()} fallback="—">
            {money(c().progress.gmv, locale())}
            <span class="campaign-rate">{t('campaigns.achieved', { rate: formatPercentReached(c().progress.achievementRate, locale(), 1) })}</span>
          </Show>
        </td>
        <td class="campaign-actions">
          <A href={`/?campaign=${encodeURIComponent(c().id)}`}>{t('campaigns.warRoom')}</A>
          <A href={`/console/milestones/${encodeURIComponent(c().id)}`}>{t('console.milestones')}</A>
          <Show when={live()}>
            <A href={`/console/retrospective/${encodeURIComponent(c().id)}`}>{t('console.retrospective')}</A>
          </Show>
          {/* A campaign seen in part is changed by someone over all its shops (the server refuses the rest). */}
          <Show when={props.canManage && !c().partial && !editing()}>
            <button type="button" class="link-button" onClick={() => setEditing(true)}>
              {t('webhooks.edit')}
            </button>
            <ConfirmButton linkStyle label={t('campaigns.delete')} confirmLabel={t('campaigns.confirmDelete')} title={t('campaigns.deleteNote')} onConfirm={remove} />
            <Show when={!ended()}>
              <Show
                when={c().status === 'CANCELLED'}
                fallback={<ConfirmButton linkStyle label={t('campaigns.cancel')} confirmLabel={t('campaigns.confirmCancel')} onConfirm={() => setCancelled(true)} />}
              >
                <button type="button" class="link-button" onClick={() => void setCancelled(false)}>
                  {t('campaigns.reinstate')}
                </button>
              </Show>
            </Show>
          </Show>
        </td>
      </tr>
      <Show when={failure.message()}>
        {(message) => (
          <tr>
            <td colSpan={6}>
              <p class="inline-error" role="alert">
                {message()}
              </p>
            </td>
          </tr>
        )}
      </Show>
      <Show when={editing()}>
        <tr>
          <td colSpan={6}>
            <CampaignEditor initial={formOfCampaign(c())} editing recordOnly={ended()} shops={props.shops} onSubmit={save} onCancel={() => setEditing(false)} />
          </td>
        </tr>
      </Show>
    </tbody>
  );
}
