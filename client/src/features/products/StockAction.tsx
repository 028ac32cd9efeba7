import { createSignal, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n } from '../../i18n/i18n';
import { useCheckedSubmit } from '../console/save-failure';
import type { SkuRow } from './products.documents';
import { stockChangeOf, type StockChange, type StockMode } from './stock-form';

const WORDS = {
  restock: { field: 'products.restockUnits', submit: 'products.confirmRestock', problem: 'products.problem.restock' },
  stocktake: { field: 'products.stocktakeUnits', submit: 'products.confirmStocktake', problem: 'products.problem.stocktake' },
} as const;

type StockProblem = (typeof WORDS)[StockMode]['problem'];
type WriteStock = (sku: SkuRow, change: StockChange) => Promise<MutationOutcome<unknown>>;

/** What the table needs to offer 补货 / 盘点 (only to those who may manage): a SKU as last written, and the write. */
export interface StockEditing {
  current(sku: SkuRow): SkuRow;
  write: WriteStock;
}

/**
 * A SKU's 补货 (units that arrived, added to the count) and 盘点 (the count found, which overwrites it). The
 * row shows the stock the server answers; each opening of the form starts empty, without the last refusal.
 */
export function StockAction(props: { sku: SkuRow; onWrite: WriteStock }) {
  const { t } = useI18n();
  const [mode, setMode] = createSignal<StockMode | null>(null);
  return (
    <td class="stock-action" data-testid="stock-action">
      <Show
        when={mode()}
        keyed
        fallback={
          <>
            <button type="button" class="link-button" onClick={() => setMode('restock')}>
              {t('products.restock')}
            </button>
            <button type="button" class="link-button" title={t('products.stocktakeHint')} onClick={() => setMode('stocktake')}>
              {t('products.stocktake')}
            </button>
          </>
        }
      >
        {(m) => <StockForm mode={m} sku={props.sku} onWrite={props.onWrite} onClose={() => setMode(null)} />}
      </Show>
    </td>
  );
}

/** The quantity, checked on the page (whole units; above zero for a restock) before anything is sent. */
function StockForm(props: { mode: StockMode; sku: SkuRow; onWrite: WriteStock; onClose: () => void }) {
  const { t } = useI18n();
  const [typed, setTyped] = createSignal('');
  const submit = useCheckedSubmit<StockProblem>();
  const words = () => WORDS[props.mode];
  const send = (event: SubmitEvent) => {
    event.preventDefault();
    void submit.run(async () => {
      const change = stockChangeOf(props.mode, typed());
      if (!change) return { problem: words().problem };
      const outcome = await props.onWrite(props.sku, change);
      if (outcome.ok) props.onClose();
      return outcome;
    });
  };
  return (
    <form class="stock-form" onSubmit={send}>
      <label class="field field-inline">
        {t(words().field)}
        <input inputMode="numeric" size={7} value={typed()} aria-invalid={submit.problem() !== null} onInput={(event) => setTyped(event.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" disabled={submit.pending()}>
        {submit.pending() ? t('console.saving') : t(words().submit)}
      </button>
      <button type="button" onClick={() => props.onClose()}>
        {t('console.cancel')}
      </button>
      <InlineError message={submit.problem() ? t(submit.problem()!) : submit.failure()} />
    </form>
  );
}
