import { For } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';

export interface CampaignOption {
  id: string;
  name: string;
  status: string;
}

export function CampaignPicker(props: { campaigns: readonly CampaignOption[]; selected: string; onSelect: (id: string) => void }) {
  const { t } = useI18n();
  return (
    <label class="picker">
      <span class="visually-hidden">{t('picker.label')}</span>
      <select data-testid="campaign-picker" value={props.selected} onChange={(e) => props.onSelect(e.currentTarget.value)}>
        <For each={props.campaigns}>
          {(c) => (
            <option value={c.id} selected={c.id === props.selected}>
              {t('picker.option', { name: c.name, status: t(`status.${c.status}` as MessageKey) })}
            </option>
          )}
        </For>
      </select>
    </label>
  );
}

/** The campaign a screen opens on: the active one (the earliest to end if several), else the most recent. */
export function defaultCampaign<T extends CampaignOption & { endsAt: string }>(campaigns: readonly T[]): T | undefined {
  const active = campaigns.filter((c) => c.status === 'ACTIVE').sort((a, b) => Date.parse(a.endsAt) - Date.parse(b.endsAt));
  return active[0] ?? [...campaigns].sort((a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt))[0];
}
