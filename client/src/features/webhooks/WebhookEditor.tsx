import { createSignal, For, Show, untrack } from 'solid-js';
import { FormActions } from '../../components/FormActions';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { useCheckedSubmit } from '../console/save-failure';
import type { ShopOption } from '../reports/reports.documents';
import { ShopChoice } from '../console/ShopChoice';
import { EVENTS, FORMATS, takesRobotSecret, toggled, URL_HINT, type FormProblem, type WebhookForm } from './webhook-form';

export interface WebhookEditorProps {
  /** What the form starts with; read once. */
  initial: WebhookForm;
  /** Editing keeps the format, and the stored URL and secret unless new ones are typed. */
  editing: boolean;
  /** An edited webhook over some shops cannot be widened to every shop (the API replaces the list). */
  allShopsOffered: boolean;
  /** The caller covers every shop: "every shop" includes shops added later. */
  callerOverAll: boolean;
  shops: readonly ShopOption[];
  /** Checks the form (a problem is shown, nothing sent) or sends it. */
  onSubmit: (form: WebhookForm) => Promise<{ problem: FormProblem } | MutationOutcome<unknown> | null>;
  onCancel: () => void;
}

/** Creates or edits a webhook: the robot (or JSON), its address and 加签 secret, what it hears, for which shops. */
export function WebhookEditor(props: WebhookEditorProps) {
  const { t } = useI18n();
  const [form, setForm] = createSignal<WebhookForm>(untrack(() => props.initial));
  const { problem, pending, failure, run } = useCheckedSubmit<FormProblem>();
  const change = (patch: Partial<WebhookForm>) => setForm({ ...form(), ...patch });
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void run(() => props.onSubmit(form()));
  };
  const message = () => {
    const p = problem();
    return p ? t(`webhooks.problem.${p}` as MessageKey) : failure();
  };
  return (
    <form class="webhook-editor" data-testid="webhook-editor" onSubmit={submit}>
      <div class="webhook-editor-grid">
        <label class="field">
          {t('webhooks.format')}
          <select value={form().format} disabled={props.editing} onChange={(e) => change({ format: e.currentTarget.value as WebhookForm['format'] })}>
            <For each={FORMATS}>{(f) => <option value={f} selected={f === form().format}>{t(`webhooks.format.${f}` as MessageKey)}</option>}</For>
          </select>
        </label>
        <label class="field">
          {t('webhooks.name')}
          <input value={form().name} maxLength={100} placeholder={t('webhooks.namePlaceholder')} onInput={(e) => change({ name: e.currentTarget.value })} />
        </label>
        <label class="field webhook-url-field">
          {t('webhooks.url')}
          <input
            value={form().url}
            inputMode="url"
            aria-invalid={problem() === 'url'}
            placeholder={props.editing ? t('webhooks.keepUrl') : URL_HINT[form().format]}
            onInput={(e) => change({ url: e.currentTarget.value })}
          />
        </label>
        <Show when={takesRobotSecret(form().format)}>
          <label class="field">
            {t(`webhooks.secret.${form().format}` as MessageKey)}
            <input
              value={form().secret}
              type="password"
              autocomplete="off"
              placeholder={props.editing ? t('webhooks.keepSecret') : t('webhooks.secretPlaceholder')}
              onInput={(e) => change({ secret: e.currentTarget.value })}
            />
          </label>
        </Show>
      </div>
      <p class="muted webhook-hint">{t(`webhooks.hint.${form().format}` as MessageKey)}</p>
      <fieldset class="choices" aria-invalid={problem() === 'events'}>
        <legend>{t('webhooks.events')}</legend>
        <For each={EVENTS}>
          {(event) => (
            <label class="check">
              <input type="checkbox" checked={form().events.includes(event)} onChange={(e) => change({ events: toggled(form().events, event, e.currentTarget.checked) })} />
              {t(`webhooks.event.${event}` as MessageKey)}
            </label>
          )}
        </For>
      </fieldset>
      <ShopChoice
        legend={t('webhooks.shops')}
        allLabel={props.callerOverAll ? t('webhooks.everyShop') : t('webhooks.allMyShops')}
        allShops={form().allShops}
        shopIds={form().shopIds}
        shops={props.shops}
        allOffered={props.allShopsOffered}
        invalid={problem() === 'shops'}
        name="webhook-shops"
        onChange={change}
      />
      <FormActions message={message()} pending={pending()} submitLabel={props.editing ? t('webhooks.saveChanges') : t('webhooks.create')} onCancel={() => props.onCancel()} />
    </form>
  );
}
