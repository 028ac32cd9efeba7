import { useSearchParams } from '@solidjs/router';
import { createQuery, useClient } from '@urql/solid';
import { createEffect, createMemo, createSignal, For, on, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { Pager } from '../../components/Pager';
import { sendMutation } from '../../graphql/mutation-outcome';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatInteger } from '../../lib/format';
import { isDate, shanghaiDate, shanghaiHour } from '../../lib/shanghai-day';
import { money, roiText } from '../console/console-format';
import { canManage, useConsole } from '../console/console.context';
import { ShopSelect, visibleShop } from '../console/ShopSelect';
import { ConsoleShopsQuery } from '../reports/reports.documents';
import { dayWindow } from './spend-form';
import { paidSourcesRoi } from './spend-roi';
import { RecordSpendMutation, SpendCampaignsQuery, SpendDayQuery, SpendEntriesQuery, VoidSpendMutation, type SpendEntry, type SpendEntryInput } from './spend.documents';
import { SpendEntryForm } from './SpendEntryForm';
import { SpendTable } from './SpendTable';

/**
 * 投放花费: a shop's ad spend of one Asia/Shanghai day (`?shop=&date=`, today by default) — its GMV, spend and
 * ROI by traffic source, the entries recorded, and with MANAGE 记一笔花费 and 作废 (with a reason). ROI below 1
 * means pause the source (DOMAIN.md). docs/METRICS.md "Marketing spend and ROI".
 */
export function SpendPage() {
  const { t, locale } = useI18n();
  const services = useConsole();
  const client = useClient();
  const [search, setSearch] = useSearchParams<{ shop?: string; date?: string }>();
  const [shops] = createQuery({ query: ConsoleShopsQuery });
  const [campaigns] = createQuery({ query: SpendCampaignsQuery });
  const shopList = () => shops.data?.shops.edges.map((e) => e.node) ?? [];
  const shopId = createMemo(() => visibleShop(shopList(), search.shop));
  const today = () => shanghaiDate(services.now());
  const date = createMemo(() => (isDate(search.date) && search.date <= today() ? search.date : today()));
  const range = () => dayWindow(date());
  // The current hour is the last one today (the server refuses spend dated ahead); a past day has all 24.
  const lastHour = () => (date() === today() ? shanghaiHour(services.now()) : 23);
  const [cursors, setCursors] = createSignal<(string | null)[]>([null]);
  createEffect(on(() => [shopId(), date()], () => setCursors([null]), { defer: true }));
  const [day, refetchDay] = createQuery({ query: SpendDayQuery, variables: () => ({ ...range(), shopId: shopId() ?? '' }), pause: () => !shopId() });
  const [entries, refetchEntries] = createQuery({
    query: SpendEntriesQuery,
    variables: () => ({ ...range(), shopId: shopId() ?? '', after: cursors().at(-1) ?? null }),
    pause: () => !shopId(),
  });
  const campaignList = () => campaigns.data?.campaigns.edges.map((e) => e.node) ?? [];
  const campaignNames = createMemo(() => new Map(campaignList().map((c) => [c.id, c.name])));
  const failure = () => shops.error ?? campaigns.error ?? day.error ?? entries.error;
  // Spend is an aggregate without an id for the cache: the day and its entries are read again after a write.
  const reload = () => {
    refetchDay({ requestPolicy: 'network-only' });
    refetchEntries({ requestPolicy: 'network-only' });
  };
  const paidRoi = () => paidSourcesRoi(day.data?.metrics.bySource ?? []);
  // The sources money went to first (most spent first), then those that sold without spend; neither: left out.
  const sources = () =>
    (day.data?.metrics.bySource ?? [])
      .filter((s) => s.spend !== '0.00' || s.gmv !== '0.00')
      .sort((a, b) => Number(b.spend) - Number(a.spend) || Number(b.gmv) - Number(a.gmv));

  const record = async (entry: SpendEntryInput) => {
    const outcome = await sendMutation(client, RecordSpendMutation, { input: { entries: [entry] } }, (data) => data.recordMarketingSpend, (payload) => payload.accepted + payload.duplicates === 1 ? payload : null);
    if (outcome.ok) reload();
    return outcome;
  };
  const voidEntry = async (entry: SpendEntry, reason: string) => {
    const outcome = await sendMutation(client, VoidSpendMutation, { input: { entries: [{ shopId: shopId()!, id: entry.entryId }], reason } }, (data) => data.voidMarketingSpend, (payload) => payload.voided + payload.alreadyVoided === 1 ? payload : null);
    if (outcome.ok) reload();
    return outcome;
  };

  return (
    <div class="console-page-body" data-testid="spend-page">
      <div class="console-toolbar">
        <h2>{t('spend.title')}</h2>
        <ShopSelect shops={shopList()} selected={shopId()} onSelect={(shop) => setSearch({ shop })} testId="spend-shop" />
        <label class="field field-inline">
          {t('spend.date')}
          <input type="date" data-testid="spend-date" value={date()} max={today()} onChange={(e) => isDate(e.currentTarget.value) && setSearch({ date: e.currentTarget.value })} />
        </label>
      </div>
      <InlineError message={failure() && t('app.error', { message: errorIn(failure()!, locale()) })} />
      <Show when={shops.data && !shopId()}>
        <p class="empty">{t('console.noShop')}</p>
      </Show>
      <Show when={shopId()}>
        {(shop) => (
          <>
            <section class="console-card" data-testid="spend-day">
              <h3>{t('spend.dayTitle')}</h3>
              <Show when={day.data?.metrics} fallback={<p class="empty">{t('app.loading')}</p>}>
                {(m) => (
                  <>
                    <dl class="spend-totals">
                      <div>
                        <dt>{t('spend.gmv')}</dt>
                        <dd>{money(m().gmv, locale())}</dd>
                      </div>
                      <div>
                        <dt>{t('spend.spend')}</dt>
                        <dd data-testid="spend-total">{money(m().spend, locale())}</dd>
                      </div>
                      <div title={t('spend.paidRoiHint')}>
                        <dt>{t('spend.paidRoi')}</dt>
                        <dd classList={{ bad: paidRoi() !== null && paidRoi()! < 1 }} data-testid="spend-paid-roi">
                          {roiText(paidRoi(), locale())}
                        </dd>
                      </div>
                      <div title={t('spend.shopRoiHint')}>
                        <dt>{t('spend.shopRoi')}</dt>
                        <dd classList={{ bad: m().roi !== null && m().roi! < 1 }} data-testid="spend-roi">{roiText(m().roi, locale())}</dd>
                      </div>
                    </dl>
                    <Show when={sources().length > 0}>
                      <table class="console-table spend-sources">
                        <thead>
                          <tr>
                            <th scope="col">{t('spend.source')}</th>
                            <th scope="col" class="num">{t('spend.gmv')}</th>
                            <th scope="col" class="num">{t('spend.spend')}</th>
                            <th scope="col" class="num">ROI</th>
                          </tr>
                        </thead>
                        <tbody>
                          <For each={sources()}>
                            {(s) => (
                              <tr data-testid="spend-source" data-source={s.source}>
                                <th scope="row">{t(`source.${s.source}` as MessageKey)}</th>
                                <td class="num">{money(s.gmv, locale())}</td>
                                <td class="num">{money(s.spend, locale())}</td>
                                <td class="num">
                                  <span classList={{ bad: s.roi !== null && s.roi < 1 }}>{roiText(s.roi, locale())}</span>
                                  <Show when={s.roi !== null && s.roi < 1}>
                                    <span class="tag bad">{t('spend.pause')}</span>
                                  </Show>
                                </td>
                              </tr>
                            )}
                          </For>
                        </tbody>
                      </table>
                    </Show>
                  </>
                )}
              </Show>
            </section>
            <Show when={canManage(services.permissions())}>
              <section class="console-card">
                <h3>{t('spend.new')}</h3>
                <SpendEntryForm shopId={shop()} date={date()} lastHour={lastHour()} campaigns={campaignList()} onRecord={record} />
              </section>
            </Show>
            <section class="console-card">
              <h3>
                {t('spend.entries')}
                <Show when={entries.data}>{(d) => <span class="count" data-testid="spend-count">{formatInteger(d().marketingSpend.totalCount, locale())}</span>}</Show>
              </h3>
              <Show when={entries.data?.marketingSpend} fallback={<p class="empty">{t('app.loading')}</p>}>
                {(list) => (
                  <Show when={list().edges.length > 0} fallback={<p class="empty">{t('spend.noEntries')}</p>}>
                    <SpendTable entries={list().edges.map((e) => e.node)} campaignNames={campaignNames()} canVoid={canManage(services.permissions())} onVoid={voidEntry} />
                  </Show>
                )}
              </Show>
              <Pager cursors={cursors} setCursors={setCursors} pageInfo={entries.data?.marketingSpend.pageInfo} />
            </section>
          </>
        )}
      </Show>
    </div>
  );
}
