import { createQuery } from '@urql/solid';
import { createSignal, Show, untrack } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { useConsole } from '../console/console.context';
import { formatInteger } from '../../lib/format';
import { ProductTable } from './ProductTable';
import { ProductsQuery } from './products.documents';
import { productFilter, type StockFilter } from './stock-filter';
import { Pager } from '../../components/Pager';

const LIST_TITLE = { all: 'products.listAll', slowMoving: 'products.listSlowMoving', lowStock: 'products.listLowStock', newProducts: 'products.listNew' } as const;

/** One shop's list, 20 products a page, with how many there are in all. Made anew for each shop and list (ProductsPage). */
export function ProductList(props: { shopId: string; filter: StockFilter }) {
  const { t, locale } = useI18n();
  // Cursors of the pages before this one, so 上一页 goes back without the API paging backwards.
  const [cursors, setCursors] = createSignal<(string | null)[]>([null]);
  // The console's clock read once: "new" is as of opening the list, so its pages do not move under the reader.
  const openedAt = untrack(useConsole().now);
  const [products] = createQuery({ query: ProductsQuery, variables: () => ({ filter: productFilter(props.shopId, props.filter, openedAt), after: cursors().at(-1) ?? null }) });
  const page = () => products.data?.products;

  return (
    <section class="console-card">
      <h3>
        {t(LIST_TITLE[props.filter])}
        <Show when={page()}>
          {(p) => (
            <span class="count" data-testid="product-total">
              {t('products.total', { n: formatInteger(p().totalCount, locale()), count: p().totalCount })}
            </span>
          )}
        </Show>
      </h3>
      <InlineError message={products.error && t('app.error', { message: errorIn(products.error, locale()) })} />
      <Show when={page()} fallback={<p class="empty">{t('app.loading')}</p>}>
        {(p) => <ProductTable products={p().edges.map((e) => e.node)} />}
      </Show>
      <Pager cursors={cursors} setCursors={setCursors} pageInfo={page()?.pageInfo} />
    </section>
  );
}
