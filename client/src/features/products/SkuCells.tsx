import { Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { formatInteger } from '../../lib/format';
import { dailyUnitsText, exactDaysText, inventoryDaysText } from './product-figures';
import type { SkuRow } from './products.documents';

/** A SKU's cells: code and spec, stock (marked at or under its line in force, the LOW_STOCK alert's), units a day and 库存周转天数. */
export function SkuCells(props: { sku: SkuRow }) {
  const { t, locale } = useI18n();
  return (
    <>
      <td data-testid="sku-name">
        {props.sku.code}
        <span class="sku-spec">{props.sku.spec}</span>
      </td>
      <td class="num" data-testid="sku-stock">
        {formatInteger(props.sku.stock, locale())}
        <Show when={props.sku.lowStock}>
          <span class="tag bad" data-testid="low-stock-mark" title={t('products.lowStockAt', { threshold: formatInteger(props.sku.lowStockLine, locale()) })}>
            {t('products.lowStock')}
          </span>
        </Show>
      </td>
      <td class="num" data-testid="sku-daily-units">
        {dailyUnitsText(props.sku.averageDailyUnitsSold, locale())}
      </td>
      <td
        class="num"
        data-testid="sku-inventory-days"
        classList={{ bad: props.sku.inventoryDays === 0, muted: props.sku.inventoryDays === null }}
        title={props.sku.inventoryDays ? exactDaysText(props.sku.inventoryDays, locale(), t) : undefined}
      >
        {inventoryDaysText(props.sku.inventoryDays, locale(), t)}
      </td>
    </>
  );
}
