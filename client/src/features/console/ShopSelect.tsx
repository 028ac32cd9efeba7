import { For } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import type { ShopOption } from '../reports/reports.documents';

/**
 * The shop a page shows: the one the address asks for (`?shop=`) when the caller can see it, else the
 * first it can see; none until its shops are in. An address kept from another credential (a key link typed
 * into the tab, a sign-in as someone else) may name a shop this one cannot see, and must not stay selected.
 */
export function visibleShop(shops: readonly ShopOption[], asked: string | undefined): string | null {
  return (shops.find((s) => s.id === asked) ?? shops[0])?.id ?? null;
}

/** The console's shop picker (reports, products): the shops the caller may see, by name. */
export function ShopSelect(props: { shops: readonly ShopOption[]; selected: string | null; onSelect: (shopId: string) => void; testId: string }) {
  const { t } = useI18n();
  return (
    <label class="field field-inline">
      {t('console.shop')}
      <select data-testid={props.testId} value={props.selected ?? ''} onChange={(e) => props.onSelect(e.currentTarget.value)}>
        <For each={props.shops}>{(s) => <option value={s.id} selected={s.id === props.selected}>{s.name}</option>}</For>
      </select>
    </label>
  );
}
