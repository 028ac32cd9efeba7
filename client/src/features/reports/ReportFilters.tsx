import { For, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { useI18n } from '../../i18n/i18n';
import { isDate } from '../../lib/shanghai-day';
import { useExportDownload } from '../console/export-download';
import { ShopSelect } from '../console/ShopSelect';
import type { Period } from './PeriodReportView';
import type { ShopOption } from './reports.documents';

/** What the report page shows: a shop, days from–to (inclusive), and 日报 (period null) or the 周报 / 月报 holding `to`. */
export interface ReportView {
  shopId: string | null;
  from: string;
  to: string;
  period: Period | null;
}

/** The heading names the report shown: 运营数据日报, 周报 or 月报. */
const TITLES = { day: 'reports.title', week: 'reports.titleWeek', month: 'reports.titleMonth' } as const;

const TABS: readonly { period: Period | null; label: 'reports.daily' | 'reports.weekly' | 'reports.monthly' }[] = [
  { period: null, label: 'reports.daily' },
  { period: 'week', label: 'reports.weekly' },
  { period: 'month', label: 'reports.monthly' },
];

/** 日报 / 周报 / 月报, the shop, the days, and the CSV of the days shown (fetched with the credential: a link cannot carry it). */
export function ReportFilters(props: { shops: readonly ShopOption[]; view: ReportView; onChange: (view: ReportView) => void; /** The last day there can be figures for (today, Asia/Shanghai). */ today?: string }) {
  const { t } = useI18n();
  const change = (next: Partial<ReportView>) => props.onChange({ ...props.view, ...next });
  const csv = useExportDownload();
  const exportCsv = (shopId: string) => {
    const { from, to } = props.view;
    return csv.download(`/export/daily-reports.csv?${new URLSearchParams({ shopId, from, to })}`, `daily-reports-${from}-${to}.csv`);
  };
  return (
    <>
      <div class="console-toolbar">
        <h2>{t(TITLES[props.view.period ?? 'day'])}</h2>
        <div class="tabs" role="group" aria-label={t('reports.periodTabs')}>
          <For each={TABS}>
            {(tab) => (
              <button type="button" aria-pressed={props.view.period === tab.period} data-testid={`report-tab-${tab.period ?? 'day'}`} onClick={() => change({ period: tab.period })}>
                {t(tab.label)}
              </button>
            )}
          </For>
        </div>
        <ShopSelect shops={props.shops} selected={props.view.shopId} onSelect={(shopId) => change({ shopId })} testId="report-shop" />
        <Show when={!props.view.period}>
          <label class="field field-inline">
            {t('reports.from')}
            <input type="date" data-testid="report-from" value={props.view.from} max={props.view.to} onChange={(e) => isDate(e.currentTarget.value) && change({ from: e.currentTarget.value })} />
          </label>
        </Show>
        <label class="field field-inline">
          {t(props.view.period ? 'reports.periodOf' : 'reports.to')}
          <input type="date" data-testid="report-to" value={props.view.to} max={props.today} onChange={(e) => isDate(e.currentTarget.value) && change({ to: e.currentTarget.value })} />
        </label>
        <Show when={!props.view.period && props.view.shopId}>
          {(shopId) => (
            <button type="button" class="primary" data-testid="export-csv" disabled={csv.exporting()} onClick={() => void exportCsv(shopId())}>
              {csv.exporting() ? t('console.exporting') : t('reports.exportCsv')}
            </button>
          )}
        </Show>
      </div>
      <InlineError message={csv.error()} />
    </>
  );
}
