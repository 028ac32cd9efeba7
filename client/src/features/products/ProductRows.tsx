import { For, Match, Show, Switch } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { formatInteger } from '../../lib/format';
import { NewProductCell } from './NewProductCell';
import { sellThroughText } from './product-figures';
import type { ProductRow, SkuRow } from './products.documents';
import { SkuCells } from './SkuCells';
import { StockAction, type StockEditing } from './StockAction';

/** 滞销 when the rule says so; a neutral dash when it cannot judge (new, off sale, no SKUs); nothing for a product that sells. */
function SlowMovingMark(props: { slowMoving: boolean | null }) {
  const { t } = useI18n();
  return (
    <Switch>
      <Match when={props.slowMoving === true}>
        <span class="tag bad">{t('products.slowMoving')}</span>
      </Match>
      <Match when={props.slowMoving === null}>
        <span class="muted" title={t('products.notJudged')} aria-label={t('products.notJudged')}>
          —
        </span>
      </Match>
    </Switch>
  );
}

/** A SKU's cells as last written, and its 补货 / 盘点 for those who may manage. */
function SkuRowCells(props: { sku: SkuRow; stock: StockEditing | null }) {
  return (
    <>
      <SkuCells sku={props.stock ? props.stock.current(props.sku) : props.sku} />
      <Show when={props.stock}>{(stock) => <StockAction sku={props.sku} onWrite={stock().write} />}</Show>
    </>
  );
}

/** One product: its own cells span its SKUs' rows. */
export function ProductRows(props: { product: ProductRow; stock: StockEditing | null }) {
  const { t, locale } = useI18n();
  const span = () => Math.max(1, props.product.skus.length);
  return (
    <tbody data-testid="product" classList={{ 'slow-moving': props.product.slowMoving === true }}>
      <tr data-testid="sku">
        <th scope="rowgroup" rowSpan={span()}>
          {props.product.name}
          <span class="product-skus">{t('products.skuCount', { n: formatInteger(props.product.skus.length, locale()), count: props.product.skus.length })}</span>
        </th>
        <td rowSpan={span()}>{t(`productRole.${props.product.role}`)}</td>
        <td rowSpan={span()} classList={{ muted: props.product.status === 'OFF_SALE' }}>
          {t(`productStatus.${props.product.status}`)}
        </td>
        <td class="num" rowSpan={span()} data-testid="sell-through">
          {sellThroughText(props.product.sellThrough, locale())}
        </td>
        <td rowSpan={span()} data-testid="slow-moving">
          <SlowMovingMark slowMoving={props.product.slowMoving} />
        </td>
        <NewProductCell launch={props.product.launch} rowSpan={span()} />
        <Show when={props.product.skus[0]} fallback={<td colSpan={props.stock ? 5 : 4} class="muted">{t('products.noSkus')}</td>}>
          {(sku) => <SkuRowCells sku={sku()} stock={props.stock} />}
        </Show>
      </tr>
      <For each={props.product.skus.slice(1)}>
        {(sku) => (
          <tr data-testid="sku">
            <SkuRowCells sku={sku} stock={props.stock} />
          </tr>
        )}
      </For>
    </tbody>
  );
}
