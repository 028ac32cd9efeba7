import { createSignal, For, onCleanup, onMount, Show, untrack } from 'solid-js';
import { Portal } from 'solid-js/web';
import { refusalIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import type { MilestoneRow, MilestoneStatus, RiskLevel } from './milestones.documents';
import type { MilestoneUpdate, SaveOutcome } from './milestones.data';

const STATUSES: readonly MilestoneStatus[] = ['NOT_STARTED', 'IN_PROGRESS', 'DONE', 'DELAYED'];
const RISKS: readonly RiskLevel[] = ['NONE', 'LOW', 'MEDIUM', 'HIGH'];
/** The server's limit for the 实际情况 note. */
export const ACTUAL_MAX = 2_000;

/** Only what the operator changed, so a field someone else changed meanwhile is not written back. Blank text clears. */
export function changedFields(m: MilestoneRow, form: { status: MilestoneStatus; riskLevel: RiskLevel; responsePlan: string; actualSituation: string }): MilestoneUpdate {
  const input: MilestoneUpdate = { id: m.id };
  const text = (value: string) => (value.trim() ? value.trim() : null);
  if (form.status !== m.status) input.status = form.status;
  if (form.riskLevel !== m.riskLevel) input.riskLevel = form.riskLevel;
  if (text(form.responsePlan) !== (m.responsePlan?.trim() || null)) input.responsePlan = text(form.responsePlan);
  if (text(form.actualSituation) !== (m.actualSituation?.trim() || null)) input.actualSituation = text(form.actualSituation);
  return input;
}

export interface MilestoneEditorProps {
  milestone: MilestoneRow;
  onSave: (input: MilestoneUpdate) => Promise<SaveOutcome>;
  onClose: () => void;
}

/**
 * A dialog over the wall (it never grows the panel): status, risk, response plan and 实际情况 for one
 * milestone. Esc or 取消 closes it; a refusal keeps it open and says why in the viewer's words.
 */
export function MilestoneEditor(props: MilestoneEditorProps) {
  const { t, locale } = useI18n();
  // The copy the form started from: a field changed elsewhere meanwhile but not here is not sent back.
  const opened = untrack(() => props.milestone);
  const [status, setStatus] = createSignal(opened.status);
  const [riskLevel, setRiskLevel] = createSignal(opened.riskLevel);
  const [responsePlan, setResponsePlan] = createSignal(opened.responsePlan ?? '');
  const [actualSituation, setActualSituation] = createSignal(opened.actualSituation ?? '');
  const [pending, setPending] = createSignal(false);
  // The refusal is kept, not its wording, so the language toggle rewords it.
  const [refusal, setRefusal] = createSignal<Exclude<SaveOutcome, { ok: true }> | null>(null);
  let first: HTMLSelectElement | undefined;
  let form: HTMLFormElement | undefined;

  // Esc closes; Tab stays inside the dialog (aria-modal), wrapping at either end.
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') return props.onClose();
    if (e.key !== 'Tab' || !form) return;
    const controls = [...form.querySelectorAll<HTMLElement>('select, textarea, button:not(:disabled)')];
    const [head, tail] = [controls[0], controls[controls.length - 1]];
    const at = document.activeElement;
    if (form.contains(at) && at !== (e.shiftKey ? head : tail)) return; // an ordinary step inside
    e.preventDefault();
    (e.shiftKey ? tail : head)?.focus();
  };
  onMount(() => {
    document.addEventListener('keydown', onKey);
    first?.focus();
  });
  onCleanup(() => document.removeEventListener('keydown', onKey));

  const failure = () => {
    const outcome = refusal();
    if (!outcome) return null;
    if (outcome.forbidden) return t('milestones.readOnly');
    if (outcome.code === 'RESPONSE_PLAN_REQUIRED') return t('milestones.planRequired');
    return t('milestones.saveFailed', { message: refusalIn(outcome, locale()) });
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const input = changedFields(opened, { status: status(), riskLevel: riskLevel(), responsePlan: responsePlan(), actualSituation: actualSituation() });
    if (Object.keys(input).length === 1) return props.onClose(); // nothing changed
    setPending(true);
    const outcome = await props.onSave(input);
    setPending(false);
    if (outcome.ok) return props.onClose();
    setRefusal(outcome);
  };

  return (
    <Portal>
      <div class="milestone-editor-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
        <form ref={form} class="milestone-editor" role="dialog" aria-modal="true" aria-labelledby="milestone-editor-title" data-testid="milestone-editor" onSubmit={(e) => void submit(e)}>
          <h2 id="milestone-editor-title" title={props.milestone.name}>
            {t('milestones.editTitle', { name: props.milestone.name })}
          </h2>
          <div class="editor-row">
            <label class="field">
              {t('milestones.status')}
              <select ref={first} value={status()} onChange={(e) => setStatus(e.currentTarget.value as MilestoneStatus)}>
                <For each={STATUSES}>{(s) => <option value={s} selected={s === status()}>{t(`milestone.${s}` as MessageKey)}</option>}</For>
              </select>
            </label>
            <label class="field">
              {t('milestones.risk')}
              <select value={riskLevel()} onChange={(e) => setRiskLevel(e.currentTarget.value as RiskLevel)}>
                <For each={RISKS}>{(r) => <option value={r} selected={r === riskLevel()}>{t(`risk.${r}` as MessageKey)}</option>}</For>
              </select>
            </label>
          </div>
          <label class="field">
            {t('milestones.responsePlan')}
            <textarea rows={3} value={responsePlan()} onInput={(e) => setResponsePlan(e.currentTarget.value)} />
          </label>
          <label class="field">
            {t('milestones.actualSituation')}
            <textarea rows={4} maxLength={ACTUAL_MAX} value={actualSituation()} onInput={(e) => setActualSituation(e.currentTarget.value)} />
          </label>
          <Show when={failure()}>
            {(message) => (
              <p class="inline-error" role="alert">
                {message()}
              </p>
            )}
          </Show>
          <div class="editor-actions">
            <button type="button" class="editor-cancel" onClick={() => props.onClose()}>
              {t('milestones.cancel')}
            </button>
            <button type="submit" class="editor-save" disabled={pending()}>
              {pending() ? t('milestones.saving') : t('milestones.save')}
            </button>
          </div>
        </form>
      </div>
    </Portal>
  );
}
