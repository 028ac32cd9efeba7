import { useI18n } from '../../i18n/i18n';
import { formatDuration, formatInteger } from '../../lib/format';

export interface FulfilmentFigures {
  shippedOrders: number;
  /** Paid orders not shipped within their shop's UNSHIPPED_OVERDUE hours of payment (24 unless set), as they stand now. */
  unshippedOverdue: number;
  /** null until an order with a known payment has shipped. */
  averagePaidToShippedSeconds: number | null;
}

/** Shipping today: orders shipped, orders overdue (red as soon as there is one) and the paid→shipped time. */
export function FulfilmentTile(props: { figures: FulfilmentFigures | undefined }) {
  const { t, locale } = useI18n();
  const orders = (n: number) => t('unit.orders', { n: formatInteger(n, locale()), count: n });
  const paidToShipped = () => {
    const seconds = props.figures?.averagePaidToShippedSeconds;
    return seconds == null ? '—' : formatDuration(seconds, locale(), t);
  };
  return (
    <section class="fulfilment" data-testid="fulfilment" data-panel>
      <h2 class="fulfilment-title">{t('fulfilment.title')}</h2>
      <Figure label={t('fulfilment.shipped')} value={props.figures ? orders(props.figures.shippedOrders) : '—'} testId="fulfilment-shipped" />
      <Figure
        label={t('fulfilment.overdue')}
        value={props.figures ? orders(props.figures.unshippedOverdue) : '—'}
        bad={(props.figures?.unshippedOverdue ?? 0) > 0}
        testId="fulfilment-overdue"
      />
      <Figure label={t('fulfilment.paidToShipped')} value={paidToShipped()} testId="fulfilment-paid-to-shipped" />
    </section>
  );
}

/** Label over figure; both cut with an ellipsis when a long language or a big day leaves no room, full text as the tooltip. */
function Figure(props: { label: string; value: string; bad?: boolean; testId: string }) {
  return (
    <div class="fulfilment-figure">
      <span class="fulfilment-label" title={props.label}>
        {props.label}
      </span>
      <span class="fulfilment-value" classList={{ bad: props.bad === true }} data-testid={props.testId} title={props.value}>
        {props.value}
      </span>
    </div>
  );
}
