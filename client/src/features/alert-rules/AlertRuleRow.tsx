import { createEffect, createMemo, createSignal, on, Show } from 'solid-js';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatDecimal } from '../../lib/format';
import { useSave } from '../console/save-failure';
import { toPercent } from '../../lib/percent';
import { changedRule, formOf, OWN_SOURCE, scopeIds, scopeValue, traitsOf, type FormProblem, type RuleScope } from './alert-rule-form';
import type { AlertRuleSetting, AlertRuleUpdate } from './alert-rules.documents';

export interface AlertRuleRowProps {
  setting: AlertRuleSetting;
  scope: RuleScope;
  canEdit: boolean;
  onSave: (input: AlertRuleUpdate) => Promise<MutationOutcome<AlertRuleSetting>>;
}

/**
 * One rule at the chosen scope: what its threshold means, whether it is on, its threshold, how long the
 * condition must hold and the smallest sample it is judged on, and where each value comes from. 保存 sends
 * what changed; 恢复继承 forgets this scope's own values. A campaign rule cannot be set on a shop.
 */
export function AlertRuleRow(props: AlertRuleRowProps) {
  const { t, locale } = useI18n();
  const [form, setForm] = createSignal(formOf(props.setting));
  const [problem, setProblem] = createSignal<FormProblem | null>(null);
  const saving = useSave();
  // New values from the server (a save, another scope) replace what the inputs hold; the same values read
  // again (every save refetches the list) leave alone what is being typed in another row.
  const values = createMemo(() => JSON.stringify(props.setting));
  createEffect(on(values, () => setForm(formOf(props.setting)), { defer: true }));
  createEffect(
    on(
      () => scopeValue(props.scope),
      () => {
        setProblem(null);
        saving.clear();
      },
      { defer: true },
    ),
  );
  const rule = () => props.setting.rule;
  const shopCannot = () => props.scope.kind === 'shop' && traitsOf(rule()).perCampaign;
  const editable = () => props.canEdit && !shopCannot();
  const own = () => props.setting.source === OWN_SOURCE[props.scope.kind];
  // The inputs sit in their own cells; the form attribute makes Enter in any of them save the row.
  const formId = () => `alert-rule-${rule()}`;
  // How an open alert of a measured rule clears (its hysteresis); the others clear when the cause is gone.
  const clears = () => {
    const { valueCleared, percent } = traitsOf(rule());
    if (!valueCleared) return null;
    // The server computes it (⅔ of 0.3 is 0.19999999999999998): shown to two decimals at most, 20% not 20.00%.
    const value = Math.round((percent ? toPercent(props.setting.clearLevel) : props.setting.clearLevel) * 100) / 100;
    const digits = Number.isInteger(value) ? 0 : Number.isInteger(value * 10) ? 1 : 2;
    const level = `${formatDecimal(value, locale(), digits)}${percent ? '%' : ''}`;
    return props.setting.clearMinutes > 0 ? t('alertRules.clearsAfter', { level, minutes: props.setting.clearMinutes }) : t('alertRules.clearsAt', { level });
  };
  const label = (field: string) => t('alertRules.fieldOf', { field, rule: t(`rule.${rule()}` as MessageKey) });

  const send = (input: AlertRuleUpdate) => saving.run(() => props.onSave(input));
  const save = (e: SubmitEvent) => {
    e.preventDefault();
    const change = changedRule(props.scope, props.setting, form());
    setProblem(change && 'problem' in change ? change.problem : null);
    if (change && 'input' in change) void send(change.input);
  };
  const reset = () => void send({ rule: rule(), ...scopeIds(props.scope), reset: true });
  const edit = (field: 'threshold' | 'sustainMinutes' | 'minSample') => (e: InputEvent & { currentTarget: HTMLInputElement }) => {
    saving.edited();
    setForm({ ...form(), [field]: e.currentTarget.value });
  };

  return (
    <tbody data-testid="alert-rule" data-rule={rule()} data-source={props.setting.source}>
      <tr>
        <th scope="row">
          {t(`rule.${rule()}` as MessageKey)}
          <span class="rule-meaning">{t(`alertRules.meaning.${rule()}` as MessageKey)}</span>
          <Show when={clears()}>{(text) => <span class="rule-meaning">{text()}</span>}</Show>
        </th>
        <td>
          <input type="checkbox" aria-label={label(t('alertRules.enabled'))} form={formId()} checked={form().enabled} disabled={!editable()} onChange={(e) => { saving.edited(); setForm({ ...form(), enabled: e.currentTarget.checked }); }} />
        </td>
        <td class="num">
          <input class="rule-number" inputMode="decimal" aria-label={label(t('alertRules.threshold'))} form={formId()} aria-invalid={problem() === 'threshold'} value={form().threshold} disabled={!editable()} onInput={edit('threshold')} />
          <span class="rule-unit">{t(`alertRules.unit.${rule()}` as MessageKey)}</span>
        </td>
        <td class="num">
          <input class="rule-number" inputMode="numeric" aria-label={label(t('alertRules.sustain'))} form={formId()} aria-invalid={problem() === 'sustainMinutes'} value={form().sustainMinutes} disabled={!editable()} onInput={edit('sustainMinutes')} />
        </td>
        <td class="num">
          <input class="rule-number" inputMode="numeric" aria-label={label(t('alertRules.minSample'))} form={formId()} aria-invalid={problem() === 'minSample'} value={form().minSample} disabled={!editable()} onInput={edit('minSample')} />
        </td>
        <td>{t(`alertRules.source.${props.setting.source}` as MessageKey)}</td>
        <td class="rule-actions">
          <Show when={editable()} fallback={<Show when={shopCannot()}><span class="muted">{t('alertRules.perCampaign')}</span></Show>}>
            <form id={formId()} onSubmit={save}>
              <button type="submit" class="link-button" disabled={saving.pending()}>
                {saving.pending() ? t('console.saving') : t('alertRules.save')}
              </button>
            </form>
            <Show when={own()}>
              <button type="button" class="link-button" disabled={saving.pending()} onClick={reset}>
                {t('alertRules.reset')}
              </button>
            </Show>
          </Show>
        </td>
      </tr>
      <Show when={problem() || saving.failure() || saving.saved()}>
        <tr class="rule-feedback">
          <td colSpan={7}>
            <Show when={problem()}>{(p) => <p class="inline-error" role="alert">{t(`alertRules.problem.${p()}` as MessageKey)}</p>}</Show>
            <Show when={!problem() && saving.failure()}>{(message) => <p class="inline-error" role="alert">{message()}</p>}</Show>
            <Show when={!problem() && !saving.failure() && saving.saved()}>
              <p class="saved-note" role="status">{t('console.saved')}</p>
            </Show>
          </td>
        </tr>
      </Show>
    </tbody>
  );
}
