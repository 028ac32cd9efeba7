import { useSearchParams } from '@solidjs/router';
import { createQuery } from '@urql/solid';
import { createMemo, For, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { ShopSelect, visibleShop } from '../console/ShopSelect';
import { ConsoleShopsQuery } from '../reports/reports.documents';
import { ProductList } from './ProductList';
import { STOCK_FILTERS, stockFilterOf, type StockFilter } from './stock-filter';

const FILTER_LABEL = { all: 'products.filterAll', slowMoving: 'products.filterSlowMoving', lowStock: 'products.filterLowStock', newProducts: 'products.filterNew' } as const;

/** 商品库存: one shop's products (`?shop=` if the caller can see it, else its first, as on the reports) with stock and turnover, all or one list (`?filter=`). */
export function ProductsPage() {
  const { t, locale } = useI18n();
  const [search, setSearch] = useSearchParams<{ shop?: string; filter?: string }>();
  const [shops] = createQuery({ query: ConsoleShopsQuery });
  const shopList = createMemo(() => shops.data?.shops.edges.map((e) => e.node) ?? []);
  const shopId = () => visibleShop(shopList(), search.shop);
  const filter = createMemo(() => stockFilterOf(search.filter));
  // A new shop or list starts again at its first page: the list below is made anew for each pair.
  const view = createMemo<{ shopId: string; filter: StockFilter } | null>(
    () => {
      const id = shopId();
      return id ? { shopId: id, filter: filter() } : null;
    },
    null,
    { equals: (a, b) => a?.shopId === b?.shopId && a?.filter === b?.filter },
  );

  return (
    <div class="console-page-body" data-testid="products-page">
      <div class="console-toolbar">
        <h2>{t('products.title')}</h2>
        <div class="tabs" role="group" aria-label={t('products.filters')}>
          <For each={STOCK_FILTERS}>
            {(f) => (
              <button type="button" aria-pressed={filter() === f} data-testid={`product-filter-${f}`} onClick={() => setSearch({ filter: f === 'all' ? undefined : f })}>
                {t(FILTER_LABEL[f])}
              </button>
            )}
          </For>
        </div>
        <ShopSelect shops={shopList()} selected={shopId()} onSelect={(shop) => setSearch({ shop })} testId="product-shop" />
      </div>
      <InlineError message={shops.error && t('app.error', { message: errorIn(shops.error, locale()) })} />
      <Show when={shops.data && shopList().length === 0}>
        <p class="empty">{t('console.noShop')}</p>
      </Show>
      <Show when={view()} keyed>
        {(v) => <ProductList shopId={v.shopId} filter={v.filter} />}
      </Show>
    </div>
  );
}
