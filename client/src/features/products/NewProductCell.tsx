import { Match, Show, Switch } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatDateTime, formatInteger } from '../../lib/format';
import { useConsole } from '../console/console.context';
import { conversionText, launchShown, trialEndText } from './product-figures';
import type { LaunchRow } from './products.documents';

/** A mark of the 新品 column: its words, and what they mean as its accessible name and tooltip (starting with the words). */
function Mark(props: { class: string; text: MessageKey; note: MessageKey }) {
  const { t } = useI18n();
  return (
    <span class={props.class} data-testid="new-product-mark" title={t(props.note)} aria-label={t(props.note)}>
      {t(props.text)}
    </span>
  );
}

/** The trial's conversion, buyers of visitors on hover; 无浏览数据 while no visitor was recorded. */
function Conversion(props: { launch: LaunchRow }) {
  const { t, locale } = useI18n();
  const counts = () => t('products.launchCounts', { buyers: formatInteger(props.launch.buyers, locale()), visitors: formatInteger(props.launch.visitors, locale()) });
  return (
    // Not `when={rate}`: a conversion of 0 (visitors, no buyer) is a figure, not a missing one.
    <Show when={props.launch.conversionRate !== null} fallback={<span class="figure muted">{t('products.launchNoViews')}</span>}>
      <span class="figure" title={counts()}>
        {conversionText(props.launch.conversionRate ?? 0, locale())}
      </span>
    </Show>
  );
}

/**
 * 新品 7 天转化 (the new-product rule): 试销中 with the conversion so far while the first 7 days run, then
 * 推广 (≥ 3 %) or 下架候选 with the conversion, 无浏览数据 when no visitor was recorded. Only for 30 days
 * after creation: from then on the 滞销 rule judges the product, and the cell shows a grey —.
 */
export function NewProductCell(props: { launch: LaunchRow; rowSpan: number }) {
  const { t, locale } = useI18n();
  const { now } = useConsole();
  const launch = () => props.launch;
  const past = () => (
    <span class="muted" title={t('products.launchPast')} aria-label={t('products.launchPast')}>
      —
    </span>
  );
  return (
    <td class="new-product" rowSpan={props.rowSpan} data-testid="new-product">
      <Show when={launchShown(launch().endsAt, now())} fallback={past()}>
        {/* The API gives a verdict to every complete trial with a conversion; the fallback only keeps a figure from vanishing. */}
        <Switch fallback={<Conversion launch={launch()} />}>
          <Match when={!launch().complete}>
            <Mark class="tag" text="products.launchTrial" note="products.launchTrialNote" />
            <Conversion launch={launch()} />
            <span class="launch-until" title={formatDateTime(launch().endsAt, locale())}>
              {t('products.launchUntil', { date: trialEndText(launch().endsAt, locale()) })}
            </span>
          </Match>
          <Match when={launch().verdict === 'PROMOTE'}>
            <Mark class="tag good" text="products.launchPromote" note="products.launchPromoteNote" />
            <Conversion launch={launch()} />
          </Match>
          <Match when={launch().verdict === 'DELIST_CANDIDATE'}>
            <Mark class="tag warn" text="products.launchDelist" note="products.launchDelistNote" />
            <Conversion launch={launch()} />
          </Match>
          <Match when={launch().conversionRate === null}>
            <Mark class="muted" text="products.launchNoViews" note="products.launchNoViewsNote" />
          </Match>
        </Switch>
      </Show>
    </td>
  );
}
