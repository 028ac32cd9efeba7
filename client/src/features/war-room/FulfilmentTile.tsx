import { Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { formatDuration, formatInteger } from '../../lib/format';

export interface FulfilmentFigures {
  shippedOrders: number;
  /** Paid orders not shipped 24 hours after payment, as they stand now. */
  unshippedOverdue: number;
  /** null until an order with a known payment has shipped. */
  averagePaidToShippedSeconds: number | null;
}

/** Shipping today: orders shipped, orders overdue (red as soon as there is one) and the paid→shipped time. */
export function FulfilmentTile(props: { figures: FulfilmentFigures | undefined }) {
  const { t, locale } = useI18n();
  const orders = (n: number) => t('unit.orders', { n: formatInteger(n, locale()) });
  return (
    <section class="fulfilment" data-testid="fulfilment">
      <h2 class="fulfilment-title">{t('fulfilment.title')}</h2>
      <div class="fulfilment-figure">
        <span class="fulfilment-label">{t('fulfilment.shipped')}</span>
        <span class="fulfilment-value" data-testid="fulfilment-shipped">
          {props.figures ? orders(props.figures.shippedOrders) : '—'}
        </span>
      </div>
      <div class="fulfilment-figure">
        <span class="fulfilment-label">{t('fulfilment.overdue')}</span>
        <span class="fulfilment-value" classList={{ bad: (props.figures?.unshippedOverdue ?? 0) > 0 }} data-testid="fulfilment-overdue">
          {props.figures ? orders(props.figures.unshippedOverdue) : '—'}
        </span>
      </div>
      <div class="fulfilment-figure">
        <span class="fulfilment-label">{t('fulfilment.paidToShipped')}</span>
        <span class="fulfilment-value" data-testid="fulfilment-paid-to-shipped">
          <Show when={props.figures?.averagePaidToShippedSeconds != null} fallback="—">
            {formatDuration(props.figures?.averagePaidToShippedSeconds ?? 0, locale(), t)}
          </Show>
        </span>
      </div>
    </section>
  );
}
