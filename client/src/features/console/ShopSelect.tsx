import { For } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import type { ShopOption } from '../reports/reports.documents';

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
