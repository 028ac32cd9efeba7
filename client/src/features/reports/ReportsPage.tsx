import { useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createQuery } from '@urql/solid';
import { createMemo, createSignal, For, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { useI18n } from '../../i18n/i18n';
import { downloadExport } from '../../lib/download';
import { addDays, datesDown, isDate, shanghaiDate } from '../../lib/shanghai-day';
import { canManage, useConsole } from '../console/console.context';
import { DayReport } from './DayReport';
import { ConsoleShopsQuery } from './reports.documents';

/** A month at most on one page: each day is one dailyReport query. */
export const MAX_DAYS = 31;

/**
 * 运营数据日报: a shop and a range of Asia/Shanghai days (by default the last seven closed days), each day
 * by traffic source, and the range as CSV. `/console/reports/:shopId/:date` is one day of one shop.
 */
export function ReportsPage() {
  const { t } = useI18n();
  const services = useConsole();
  const params = useParams<{ shopId?: string; date?: string }>();
  const [search] = useSearchParams<{ shop?: string; from?: string; to?: string }>();
  const navigate = useNavigate();
  const [shops] = createQuery({ query: ConsoleShopsQuery });
  const shopList = createMemo(() => shops.data?.shops.edges.map((e) => e.node) ?? []);
  const shopId = createMemo(() => params.shopId ?? search.shop ?? shopList()[0]?.id);
  const day = () => (isDate(params.date) ? params.date : undefined);
  const to = createMemo(() => day() ?? (isDate(search.to) ? search.to : addDays(shanghaiDate(services.now()), -1)));
  const from = createMemo(() => day() ?? (isDate(search.from) ? search.from : addDays(to(), -6)));
  const dates = createMemo(() => datesDown(from(), to(), MAX_DAYS));
  const show = (next: { shop?: string; from?: string; to?: string }) => {
    const query = new URLSearchParams({ shop: next.shop ?? shopId() ?? '', from: next.from ?? from(), to: next.to ?? to() });
    navigate(`/console/reports?${query}`);
  };

  const [exporting, setExporting] = createSignal(false);
  const [exportError, setExportError] = createSignal<string | null>(null);
  const exportCsv = async (shop: string) => {
    setExporting(true);
    const query = new URLSearchParams({ shopId: shop, from: from(), to: to() });
    const outcome = await downloadExport(services.credentials, `/export/daily-reports.csv?${query}`, `daily-reports-${from()}-${to()}.csv`);
    setExporting(false);
    setExportError(outcome.ok ? null : t('console.exportFailed', { message: outcome.message }));
  };

  return (
    <div class="console-page-body" data-testid="reports-page">
      <div class="console-toolbar">
        <h2>{t('reports.title')}</h2>
        <label class="field field-inline">
          {t('reports.shop')}
          <select data-testid="report-shop" value={shopId() ?? ''} onChange={(e) => show({ shop: e.currentTarget.value })}>
            <For each={shopList()}>{(s) => <option value={s.id} selected={s.id === shopId()}>{s.name}</option>}</For>
          </select>
        </label>
        <label class="field field-inline">
          {t('reports.from')}
          <input type="date" data-testid="report-from" value={from()} max={to()} onChange={(e) => isDate(e.currentTarget.value) && show({ from: e.currentTarget.value })} />
        </label>
        <label class="field field-inline">
          {t('reports.to')}
          <input type="date" data-testid="report-to" value={to()} min={from()} onChange={(e) => isDate(e.currentTarget.value) && show({ to: e.currentTarget.value })} />
        </label>
        <Show when={shopId()}>
          {(shop) => (
            <button type="button" class="primary" data-testid="export-csv" disabled={exporting()} onClick={() => void exportCsv(shop())}>
              {exporting() ? t('console.exporting') : t('reports.exportCsv')}
            </button>
          )}
        </Show>
      </div>
      <InlineError message={exportError()} />
      <InlineError message={shops.error && t('app.error', { message: shops.error.message })} />
      <Show when={shops.data && shopList().length === 0}>
        <p class="empty">{t('reports.noShop')}</p>
      </Show>
      <Show when={shopId()} keyed>
        {(shop) => <For each={dates()}>{(date) => <DayReport shopId={shop} date={date} canEdit={canManage(services.permissions())} />}</For>}
      </Show>
    </div>
  );
}
