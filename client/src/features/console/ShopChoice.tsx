import { For, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import type { ShopOption } from '../reports/reports.documents';

export interface ShopChoiceProps {
  /** The fieldset's legend. */
  legend: string;
  /** What "all" means for this caller and thing (every shop, or all of the caller's); without it, only the shops to tick. */
  allLabel?: string;
  allShops: boolean;
  shopIds: readonly string[];
  shops: readonly ShopOption[];
  /** False: "all" cannot be chosen (shown, disabled). */
  allOffered?: boolean;
  invalid?: boolean;
  disabled?: boolean;
  /** Radio group name, unique on the page. */
  name: string;
  onChange: (choice: { allShops: boolean; shopIds: readonly string[] }) => void;
}

/** Which shops a webhook, key, account or campaign covers: all of them, or the ones ticked. */
export function ShopChoice(props: ShopChoiceProps) {
  const { t } = useI18n();
  const set = (patch: Partial<{ allShops: boolean; shopIds: readonly string[] }>) => props.onChange({ allShops: props.allShops, shopIds: props.shopIds, ...patch });
  return (
    <fieldset class="choices" aria-invalid={props.invalid === true}>
      <legend>{props.legend}</legend>
      <Show when={props.allLabel !== undefined}>
        <label class="check">
          <input type="radio" name={props.name} checked={props.allShops} disabled={props.disabled || props.allOffered === false} onChange={() => set({ allShops: true })} />
          {props.allLabel}
        </label>
        <label class="check">
          <input type="radio" name={props.name} checked={!props.allShops} disabled={props.disabled} onChange={() => set({ allShops: false })} />
          {t('console.someShops')}
        </label>
      </Show>
      <Show when={props.allLabel === undefined || !props.allShops}>
        <div class="choice-list">
          <For each={props.shops}>
            {(shop) => (
              <label class="check">
                <input
                  type="checkbox"
                  checked={props.shopIds.includes(shop.id)}
                  disabled={props.disabled}
                  onChange={(e) => set({ shopIds: e.currentTarget.checked ? [...props.shopIds, shop.id] : props.shopIds.filter((id) => id !== shop.id) })}
                />
                {shop.name}
              </label>
            )}
          </For>
        </div>
      </Show>
    </fieldset>
  );
}
