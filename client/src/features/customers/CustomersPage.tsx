import { useSearchParams } from '@solidjs/router';
import { createQuery, useClient } from '@urql/solid';
import { createEffect, createMemo, createSignal, on, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { sendMutation } from '../../graphql/mutation-outcome';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { formatInteger } from '../../lib/format';
import { canManage, useConsole } from '../console/console.context';
import { CustomerSegmentsQuery, CustomersQuery, RedeemPointsMutation, type CustomerRow, type RfmSegment } from './customers.documents';
import { CustomerTable, type PointsRedeeming } from './CustomerTable';
import { SegmentCards } from './SegmentCards';
import { Pager } from '../../components/Pager';

const SEGMENTS: readonly RfmSegment[] = ['IMPORTANT_VALUE', 'IMPORTANT_DEVELOPMENT', 'GENERAL_VALUE', 'SLEEPING'];
const segmentOf = (value: string | undefined): RfmSegment | null => SEGMENTS.find((s) => s === value) ?? null;

/** Customers by RFM segment (`?segment=`): the four segments' counts, and the customers of the one chosen, 50 a page; 积分兑换 with MANAGE. */
export function CustomersPage() {
  const { t, locale } = useI18n();
  const services = useConsole();
  const client = useClient();
  const [search, setSearch] = useSearchParams<{ segment?: string }>();
  const segment = createMemo(() => segmentOf(search.segment));
  // Cursors of the pages before this one, so 上一页 goes back without the API paging backwards.
  const [cursors, setCursors] = createSignal<(string | null)[]>([null]);
  createEffect(on(segment, () => setCursors([null]), { defer: true }));
  const [segments] = createQuery({ query: CustomerSegmentsQuery });
  const [customers] = createQuery({ query: CustomersQuery, variables: () => ({ segment: segment(), after: cursors().at(-1) ?? null }) });
  const page = () => customers.data?.customers;
  const failure = () => segments.error ?? customers.error;
  // Balances as redemptions answered them, each beside the loaded row it replaces: a page loaded again shows
  // what it loaded, and an answer never outlives the page it was written on.
  const [balances, setBalances] = createSignal<ReadonlyMap<string, { loaded: CustomerRow; points: number }>>(new Map());
  const points = (): PointsRedeeming | null =>
    canManage(services.permissions())
      ? {
          balance: (c) => {
            const entry = balances().get(c.id);
            return entry?.loaded === c ? entry.points : c.points;
          },
          redeem: async (c, n, requestId) => {
            const outcome = await sendMutation(client, RedeemPointsMutation, { input: { customerId: c.id, points: n, requestId } }, (data) => data.redeemPoints, (payload) => payload.redemption);
            if (outcome.ok) setBalances((now) => new Map(now).set(c.id, { loaded: c, points: outcome.value.customer.points }));
            return outcome;
          },
        }
      : null;

  return (
    <div class="console-page-body" data-testid="customers-page">
      <div class="console-toolbar">
        <h2>{t('customers.title')}</h2>
      </div>
      <InlineError message={failure() && t('app.error', { message: errorIn(failure()!, locale()) })} />
      <SegmentCards segments={segments.data?.customerSegments ?? []} selected={segment()} onSelect={(s) => setSearch({ segment: s ?? undefined })} />
      <section class="console-card">
        <h3>
          {segment() ? t('customers.listOf', { segment: t(`segment.${segment()!}`) }) : t('customers.all')}
          <Show when={page()}>{(p) => <span class="count" data-testid="customer-total">{formatInteger(p().totalCount, locale())}</span>}</Show>
        </h3>
        <Show when={page()} fallback={<p class="empty">{t('app.loading')}</p>}>
          {(p) => <CustomerTable customers={p().edges.map((e) => e.node)} points={points()} />}
        </Show>
        <Pager cursors={cursors} setCursors={setCursors} pageInfo={page()?.pageInfo} />
      </section>
    </div>
  );
}
