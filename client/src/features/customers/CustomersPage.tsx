import { useSearchParams } from '@solidjs/router';
import { createQuery } from '@urql/solid';
import { createEffect, createMemo, createSignal, on, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { formatInteger } from '../../lib/format';
import { CustomerSegmentsQuery, CustomersQuery, type RfmSegment } from './customers.documents';
import { CustomerTable } from './CustomerTable';
import { SegmentCards } from './SegmentCards';
import { Pager } from '../../components/Pager';

const SEGMENTS: readonly RfmSegment[] = ['IMPORTANT_VALUE', 'IMPORTANT_DEVELOPMENT', 'GENERAL_VALUE', 'SLEEPING'];
const segmentOf = (value: string | undefined): RfmSegment | null => SEGMENTS.find((s) => s === value) ?? null;

/** Customers by RFM segment (`?segment=`): the four segments' counts, and the customers of the one chosen, 50 a page. */
export function CustomersPage() {
  const { t, locale } = useI18n();
  const [search, setSearch] = useSearchParams<{ segment?: string }>();
  const segment = createMemo(() => segmentOf(search.segment));
  // Cursors of the pages before this one, so 上一页 goes back without the API paging backwards.
  const [cursors, setCursors] = createSignal<(string | null)[]>([null]);
  createEffect(on(segment, () => setCursors([null]), { defer: true }));
  const [segments] = createQuery({ query: CustomerSegmentsQuery });
  const [customers] = createQuery({ query: CustomersQuery, variables: () => ({ segment: segment(), after: cursors().at(-1) ?? null }) });
  const page = () => customers.data?.customers;
  const failure = () => segments.error ?? customers.error;

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
          {(p) => <CustomerTable customers={p().edges.map((e) => e.node)} />}
        </Show>
        <Pager cursors={cursors} setCursors={setCursors} pageInfo={page()?.pageInfo} />
      </section>
    </div>
  );
}
