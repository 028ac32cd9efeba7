import { createQuery, useClient } from '@urql/solid';
import { createSignal, Show, untrack } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { sendMutation } from '../../graphql/mutation-outcome';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { canManage, useConsole } from '../console/console.context';
import { formatInteger } from '../../lib/format';
import { ProductTable } from './ProductTable';
import { ProductsQuery, UpdateSkuStockMutation, type SkuRow } from './products.documents';
import type { StockEditing } from './StockAction';
import type { StockChange } from './stock-form';
import { productFilter, type StockFilter } from './stock-filter';
import { Pager } from '../../components/Pager';

const LIST_TITLE = { all: 'products.listAll', slowMoving: 'products.listSlowMoving', lowStock: 'products.listLowStock', newProducts: 'products.listNew' } as const;

/** One shop's list, 20 products a page, with how many there are in all. Made anew for each shop and list (ProductsPage). */
export function ProductList(props: { shopId: string; filter: StockFilter }) {
  const { t, locale } = useI18n();
  const services = useConsole();
  const client = useClient();
  // Cursors of the pages before this one, so 上一页 goes back without the API paging backwards.
  const [cursors, setCursors] = createSignal<(string | null)[]>([null]);
  // The console's clock read once: "new" is as of opening the list, so its pages do not move under the reader.
  const openedAt = untrack(services.now);
  const [products] = createQuery({ query: ProductsQuery, variables: () => ({ filter: productFilter(props.shopId, props.filter, openedAt), after: cursors().at(-1) ?? null }) });
  const page = () => products.data?.products;
  // The SKUs as the server answered a restock or stocktake, each beside the loaded row it replaces: a page
  // loaded again (new rows) shows what it loaded, and an answer never outlives the page it was written on.
  const [written, setWritten] = createSignal<ReadonlyMap<string, { loaded: SkuRow; stored: SkuRow }>>(new Map());
  const write = async (sku: SkuRow, change: StockChange) => {
    const outcome = await sendMutation(client, UpdateSkuStockMutation, { input: { id: sku.id, ...change } }, (data) => data.updateSku, (payload) => payload.sku);
    if (outcome.ok) setWritten((current) => new Map(current).set(sku.id, { loaded: sku, stored: outcome.value }));
    return outcome;
  };
  const stock = (): StockEditing | null =>
    canManage(services.permissions())
      ? {
          current: (sku) => {
            const entry = written().get(sku.id);
            return entry?.loaded === sku ? entry.stored : sku;
          },
          write,
        }
      : null;

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
        {(p) => <ProductTable products={p().edges.map((e) => e.node)} stock={stock()} />}
      </Show>
      <Pager cursors={cursors} setCursors={setCursors} pageInfo={page()?.pageInfo} />
    </section>
  );
}
