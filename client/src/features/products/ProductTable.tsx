import { For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { useI18n } from '../../i18n/i18n';
import { ProductRows } from './ProductRows';
import type { ProductRow } from './products.documents';
import type { StockEditing } from './StockAction';

/** Products with their SKUs: a row group per product, a row per SKU; with `stock`, each SKU's 补货 / 盘点. */
export function ProductTable(props: { products: readonly ProductRow[]; stock: StockEditing | null }) {
  const { t } = useI18n();
  const columns = () => [
    t('products.product'),
    t('products.role'),
    t('products.status'),
    t('products.sellThrough'),
    t('products.slowMoving'),
    t('products.newProduct'),
    t('products.sku'),
    t('products.stock'),
    t('products.dailyUnits'),
    t('products.inventoryDays'),
    ...(props.stock ? [t('products.stockActions')] : []),
  ];
  return (
    <Show when={props.products.length > 0} fallback={<p class="empty">{t('products.none')}</p>}>
      <ConsoleTable class="product-table" testId="product-table" columns={columns()}>
        <For each={props.products}>{(product) => <ProductRows product={product} stock={props.stock} />}</For>
      </ConsoleTable>
    </Show>
  );
}
