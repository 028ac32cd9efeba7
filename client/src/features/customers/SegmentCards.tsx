import { For } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { decimalToFen } from '../../lib/decimal';
import { formatCny, formatInteger, formatPercent } from '../../lib/format';
import type { RfmSegment, SegmentSummary } from './customers.documents';

/** One card per RFM segment: customers, share, net spend, repurchase rate. Pressing one filters the list below. */
export function SegmentCards(props: { segments: readonly SegmentSummary[]; selected: RfmSegment | null; onSelect: (segment: RfmSegment | null) => void }) {
  const { t, locale } = useI18n();
  return (
    <div class="segment-cards" data-testid="segment-cards">
      <For each={props.segments}>
        {(s) => (
          <button
            type="button"
            class="segment-card"
            data-testid="segment-card"
            data-segment={s.segment}
            aria-pressed={props.selected === s.segment}
            onClick={() => props.onSelect(props.selected === s.segment ? null : s.segment)}
          >
            <span class="segment-name">{t(`segment.${s.segment}` as MessageKey)}</span>
            <span class="segment-count" data-testid="segment-count">{formatInteger(s.customers, locale())}</span>
            <span class="segment-facts">
              {t('customers.share', { share: formatPercent(s.share, locale(), 1) })} · {t('customers.netSpend', { amount: formatCny(decimalToFen(s.netSpend), locale()) })}
            </span>
            <span class="segment-facts">
              {t('customers.repurchase', { rate: s.repurchaseRate === null ? '—' : formatPercent(s.repurchaseRate, locale(), 1) })}
            </span>
          </button>
        )}
      </For>
    </div>
  );
}
