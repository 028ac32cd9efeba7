import { Index, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import { decimalToFen } from '../../lib/decimal';
import { formatCny, formatInteger } from '../../lib/format';

export interface TopProductRow {
  gmv: string;
  unitsSold: number;
  product: { id: string; name: string; shop: { id: string; name: string } };
  sku: { id: string; code: string; spec: string; stock: number; lowStock: boolean };
}

/**
 * Today's ten best sellers by GMV with stock left; at or below the threshold they are marked. Under each
 * name its SKU code (货号), and its shop when the wall covers several: a cut name still says which SKU it is.
 * Before the day's first paid order (the first minutes after midnight) it says so instead of showing bare headers.
 */
export function TopProducts(props: { rows: readonly TopProductRow[]; showShop: boolean }) {
  const { t, locale } = useI18n();
  const skuLine = (row: TopProductRow) => (props.showShop ? `${row.sku.code} · ${row.product.shop.name}` : row.sku.code);
  return (
    <Show when={props.rows.length > 0} fallback={<p class="empty" data-testid="top-products-empty">{t('top.none')}</p>}>
      <table class="top-products" data-testid="top-products">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('top.product')}</th>
            <th class="num">{t('top.gmv')}</th>
            <th class="num">{t('top.units')}</th>
            <th class="num">{t('top.stock')}</th>
          </tr>
        </thead>
        <tbody>
          {/* Ranks stay put and their contents change: Index updates the ten rows in place. */}
          <Index each={props.rows}>
            {(row, i) => (
              <tr classList={{ 'low-stock': row().sku.lowStock }}>
                <td class="rank">{i + 1}</td>
                <td class="name" title={`${row().product.name} ${row().sku.spec} · ${skuLine(row())}`}>
                  {/* The name gives way before the spec: two colours of one pillow are two rows, and must read as two. */}
                  <div class="name-line">
                    <span class="product-name">{row().product.name}</span>{' '}
                    <span class="spec">{row().sku.spec}</span>
                  </div>
                  <div class="sku-line" data-testid="top-sku-line">
                    {skuLine(row())}
                  </div>
                </td>
                <td class="num" title={formatCny(decimalToFen(row().gmv), locale())}>
                  {formatCny(decimalToFen(row().gmv), locale())}
                </td>
                <td class="num" title={formatInteger(row().unitsSold, locale())}>
                  {formatInteger(row().unitsSold, locale())}
                </td>
                <td class="num" title={row().sku.lowStock ? `${formatInteger(row().sku.stock, locale())} ${t('top.lowStock')}` : formatInteger(row().sku.stock, locale())}>
                  {formatInteger(row().sku.stock, locale())}
                  <Show when={row().sku.lowStock}>
                    <span class="low-stock-mark" data-testid="low-stock-mark">
                      {t('top.lowStock')}
                    </span>
                  </Show>
                </td>
              </tr>
            )}
          </Index>
        </tbody>
      </table>
    </Show>
  );
}
