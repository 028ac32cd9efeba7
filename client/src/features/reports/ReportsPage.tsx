import { useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createQuery } from '@urql/solid';
import { createMemo, For, Match, Show, Switch } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { formatCalendarDay } from '../../lib/format';
import { addDays, datesDown, isDate, shanghaiDate } from '../../lib/shanghai-day';
import { canManage, idFromPath, useConsole } from '../console/console.context';
import { visibleShop } from '../console/ShopSelect';
import { DayReport } from './DayReport';
import { PeriodReportView, type Period } from './PeriodReportView';
import { ReportFilters, type ReportView } from './ReportFilters';
import { ConsoleShopsQuery } from './reports.documents';

/** A month at most on one page: each day is one dailyReport query. */
export const MAX_DAYS = 31;

const periodOf = (value: string | undefined): Period | null => (value === 'week' || value === 'month' ? value : null);

/**
 * 运营数据日报: a shop (`?shop=` if the caller can see it, else its first) and a range of Asia/Shanghai days
 * (by default the last seven closed days), each day by traffic source, and the range as CSV; or the 周报 /
 * 月报 holding the last day (`?period=`). `/console/reports/:shopId/:date` is one day of one shop.
 */
export function ReportsPage() {
  const { t, locale } = useI18n();
  const services = useConsole();
  const params = useParams<{ shopId?: string; date?: string }>();
  const [search] = useSearchParams<{ shop?: string; from?: string; to?: string; period?: string }>();
  const navigate = useNavigate();
  const [shops] = createQuery({ query: ConsoleShopsQuery });
  const shopList = createMemo(() => shops.data?.shops.edges.map((e) => e.node) ?? []);
  const day = () => (isDate(params.date) ? params.date : undefined);
  const today = () => shanghaiDate(services.now());
  const view = createMemo<ReportView>(() => ({
    shopId: idFromPath(params.shopId) ?? visibleShop(shopList(), search.shop),
    // A day yet to come has no figures (every change would read -100 %): the range ends today at the latest.
    to: day() ?? (isDate(search.to) ? (search.to > today() ? today() : search.to) : addDays(today(), -1)),
    from: '',
    period: day() ? null : periodOf(search.period),
  }));
  const from = createMemo(() => day() ?? (isDate(search.from) && search.from <= view().to ? search.from : addDays(view().to, -6)));
  const current = createMemo<ReportView>(() => ({ ...view(), from: from() }));
  const shownDays = createMemo(() => datesDown(current().from, current().to, MAX_DAYS));
  // One day past the page's limit is enough to know the range is longer (a range of years is not walked).
  const cut = createMemo(() => datesDown(current().from, current().to, MAX_DAYS + 1).length > MAX_DAYS);
  const show = (next: ReportView) => {
    const query = new URLSearchParams({ shop: next.shopId ?? '', from: next.from, to: next.to });
    if (next.period) query.set('period', next.period);
    navigate(`/console/reports?${query}`);
  };

  return (
    <div class="console-page-body" data-testid="reports-page">
      <ReportFilters shops={shopList()} view={current()} onChange={show} today={today()} />
      <InlineError message={shops.error && t('app.error', { message: errorIn(shops.error, locale()) })} />
      <Show when={shops.data && shopList().length === 0}>
        <p class="empty">{t('console.noShop')}</p>
      </Show>
      <Show when={current().shopId} keyed>
        {(shop) => (
          <Switch>
            <Match when={current().period}>{(period) => <PeriodReportView period={period()} shopId={shop} date={current().to} />}</Match>
            <Match when={true}>
              {/* A longer range than a page lists says so, rather than let the 从 box claim days that are not shown. */}
              <Show when={cut()}>
                <p class="muted" data-testid="reports-range-cut">
                  {t('reports.rangeCut', { days: MAX_DAYS, from: formatCalendarDay(shownDays().at(-1)!, locale()), to: formatCalendarDay(current().to, locale()) })}
                </p>
              </Show>
              <For each={shownDays()}>{(date) => <DayReport shopId={shop} date={date} canEdit={canManage(services.permissions())} />}</For>
            </Match>
          </Switch>
        )}
      </Show>
    </div>
  );
}
