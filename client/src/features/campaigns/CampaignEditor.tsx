import { For, Show } from 'solid-js';
import { FormActions } from '../../components/FormActions';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { useCheckedForm } from '../console/save-failure';
import { ShopChoice } from '../console/ShopChoice';
import type { ShopOption } from '../reports/reports.documents';
import { formatCnyExact } from '../../lib/format';
import { endsInPast, splitSums, type CampaignForm, type CampaignProblem } from './campaign-form';

export interface CampaignEditorProps {
  initial: CampaignForm;
  editing: boolean;
  /** An ended campaign is a record: only its name and theme may change. */
  recordOnly: boolean;
  shops: readonly ShopOption[];
  /** The console's clock, for a new campaign whose end has already passed. */
  nowMs?: number;
  onSubmit: (form: CampaignForm) => Promise<{ problem: CampaignProblem } | MutationOutcome<unknown> | null>;
  onCancel: () => void;
}

/** A campaign's name, theme (满减), shops, window in Asia/Shanghai time and GMV target. */
export function CampaignEditor(props: CampaignEditorProps) {
  const { t } = useI18n();
  const { form, change, submit, problem, pending, failure } = useCheckedForm<CampaignForm, CampaignProblem>(() => props.initial, (typed) => props.onSubmit(typed));
  return (
    <form class="campaign-editor" data-testid="campaign-editor" onSubmit={submit}>
      <div class="campaign-editor-grid">
        <label class="field">
          {t('campaigns.name')}
          <input value={form().name} maxLength={200} aria-invalid={problem() === 'name'} placeholder={t('campaigns.namePlaceholder')} onInput={(e) => change({ name: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('campaigns.theme')}
          <input value={form().theme} maxLength={200} placeholder={t('campaigns.themePlaceholder')} onInput={(e) => change({ theme: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('campaigns.startsAt')}
          <input type="datetime-local" value={form().startsAt} disabled={props.recordOnly} aria-invalid={problem() === 'window'} onChange={(e) => change({ startsAt: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('campaigns.endsAt')}
          <input type="datetime-local" value={form().endsAt} disabled={props.recordOnly} aria-invalid={problem() === 'window'} onChange={(e) => change({ endsAt: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('campaigns.target')}
          <input inputMode="decimal" value={form().gmvTarget} disabled={props.recordOnly} aria-invalid={problem() === 'target'} placeholder="5000000.00" onInput={(e) => change({ gmvTarget: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('campaigns.conversionTarget')}
          <input
            inputMode="decimal"
            value={form().conversionTarget}
            disabled={props.recordOnly}
            aria-invalid={problem() === 'conversion'}
            placeholder="3"
            onInput={(e) => change({ conversionTarget: e.currentTarget.value })}
          />
        </label>
      </div>
      <p class="muted">{props.recordOnly ? t('campaigns.recordOnly') : t('campaigns.windowNote')}</p>
      <Show when={!props.editing && props.nowMs !== undefined && endsInPast(form(), props.nowMs)}>
        <label class="campaign-past" data-testid="campaign-past" aria-invalid={problem() === 'past'}>
          <input type="checkbox" checked={form().pastConfirmed === true} onChange={(e) => change({ pastConfirmed: e.currentTarget.checked })} />
          {t('campaigns.pastConfirm')}
        </label>
      </Show>
      <ShopChoice
        legend={t('campaigns.shops')}
        allShops={false}
        shopIds={form().shopIds}
        shops={props.shops}
        invalid={problem() === 'shops'}
        disabled={props.recordOnly}
        name="campaign-shops"
        onChange={(choice) => change({ shopIds: choice.shopIds })}
      />
      <ShopSplit form={form()} shops={props.shops} disabled={props.recordOnly} invalid={problem() === 'split'} onChange={(shopTargets) => change({ shopTargets })} />
      <FormActions message={problem() ? t(`campaigns.problem.${problem()!}` as MessageKey) : failure()} pending={pending()} submitLabel={props.editing ? t('webhooks.saveChanges') : t('campaigns.create')} onCancel={() => props.onCancel()} />
    </form>
  );
}

/**
 * 目标拆解: each chosen shop's part of the target. Offered once the campaign runs in two shops or more (or
 * already split); a shop's own staff and partners see the campaign, their part of it, only when it is split.
 */
function ShopSplit(props: { form: CampaignForm; shops: readonly ShopOption[]; disabled: boolean; invalid: boolean; onChange: (split: Readonly<Record<string, string>> | null) => void }) {
  const { t, locale } = useI18n();
  const split = () => props.form.shopTargets;
  const sums = () => splitSums(props.form);
  const nameOf = (id: string) => props.shops.find((s) => s.id === id)?.name ?? id;
  return (
    <Show when={props.form.shopIds.length > 1 || split() !== null}>
      <fieldset class="campaign-split" data-testid="campaign-split" aria-invalid={props.invalid}>
        <legend>
          <label>
            <input type="checkbox" checked={split() !== null} disabled={props.disabled} onChange={(e) => props.onChange(e.currentTarget.checked ? {} : null)} />
            {t('campaigns.split')}
          </label>
        </legend>
        <p class="muted">{t('campaigns.splitNote')}</p>
        <Show when={split()}>
          {(parts) => (
            <>
              <div class="campaign-split-grid">
                {/* In the order the shop choice lists them, so a part typed by position lands on its shop. */}
                <For each={props.shops.filter((s) => props.form.shopIds.includes(s.id)).map((s) => s.id)}>
                  {(id) => (
                    <label class="field">
                      {nameOf(id)}
                      <input inputMode="decimal" value={parts()[id] ?? ''} disabled={props.disabled} placeholder="0.00" onInput={(e) => props.onChange({ ...parts(), [id]: e.currentTarget.value })} />
                    </label>
                  )}
                </For>
              </div>
              <p class="campaign-split-sum" data-testid="campaign-split-sum">
                {t('campaigns.splitSum', {
                  given: formatCnyExact(Number(sums().givenFen), locale()),
                  target: sums().targetFen === null ? '—' : formatCnyExact(Number(sums().targetFen!), locale()),
                })}
              </p>
            </>
          )}
        </Show>
      </fieldset>
    </Show>
  );
}
