import { createSignal, For, Show } from 'solid-js';
import { ConfirmButton } from '../../components/ConfirmButton';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { refusalIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatDateTime } from '../../lib/format';
import { useSaveFailure } from '../console/save-failure';
import type { ShopOption } from '../reports/reports.documents';
import { EVENTS, formOfWebhook, updateInput, type WebhookForm } from './webhook-form';
import { WebhookDeliveries } from './WebhookDeliveries';
import { WebhookEditor } from './WebhookEditor';
import type { TestAttempt, WebhookUpdate, WebhookView } from './webhooks.documents';

export interface WebhookActions {
  test: (id: string) => Promise<MutationOutcome<TestAttempt>>;
  update: (input: WebhookUpdate) => Promise<MutationOutcome<unknown>>;
  remove: (id: string) => Promise<MutationOutcome<unknown>>;
}

export interface WebhookCardProps {
  webhook: WebhookView;
  canManage: boolean;
  callerOverAll: boolean;
  shops: readonly ShopOption[];
  actions: WebhookActions;
}

/** What state an endpoint is in: stopped for good (its creator lost the grant), paused after failures, failing, or fine. */
const healthOf = (w: WebhookView) => (!w.receiving ? 'STOPPED' : w.pausedAt ? 'PAUSED' : w.consecutiveFailures > 0 ? 'FAILING' : 'OK');

/**
 * One webhook: where it sends (the URL masked), what it hears, for which shops, whether it is healthy; with
 * MANAGE, 发送测试 (the endpoint's answer shown here), 编辑, 恢复推送 for a paused one, 删除 (asked twice),
 * and its delivery log.
 */
export function WebhookCard(props: WebhookCardProps) {
  const { t, locale } = useI18n();
  const [editing, setEditing] = createSignal(false);
  const [showLog, setShowLog] = createSignal(false);
  const [testing, setTesting] = createSignal(false);
  // The endpoint's answer, or why the server would not send (kept, not its words, so the toggle rewords it).
  const [tested, setTested] = createSignal<MutationOutcome<TestAttempt> | null>(null);
  const failure = useSaveFailure();
  const w = () => props.webhook;

  const runTest = async () => {
    setTesting(true);
    setTested(null);
    setTested(await props.actions.test(w().id));
    setTesting(false);
  };
  const testResult = (): { sent: boolean; text: string } | null => {
    const outcome = tested();
    if (!outcome) return null;
    if (!outcome.ok) return { sent: false, text: t('webhooks.testRefused', { message: refusalIn(outcome, locale()) }) };
    const attempt = outcome.value;
    return attempt.error === null
      ? { sent: true, text: t('webhooks.testDelivered', { status: attempt.statusCode ?? '', ms: attempt.durationMs }) }
      : { sent: false, text: t('webhooks.testFailed', { error: attempt.error }) };
  };
  const resume = async () => failure.show(await props.actions.update({ id: w().id, resume: true }));
  const remove = async () => failure.show(await props.actions.remove(w().id));
  const save = async (form: WebhookForm) => {
    const change = updateInput(w(), form);
    if (change === null) {
      setEditing(false);
      return null;
    }
    if ('problem' in change) return change;
    const outcome = await props.actions.update(change.input);
    if (outcome.ok) setEditing(false);
    return outcome;
  };

  return (
    <article class="console-card webhook-card" data-testid="webhook" data-format={w().format} data-health={healthOf(w())}>
      <header class="webhook-head">
        <h3>
          {w().name}
          <span class="tag">{t(`webhooks.format.${w().format}` as MessageKey)}</span>
          <span class={`tag ${healthOf(w()) === 'OK' ? 'good' : 'bad'}`}>{t(`webhooks.health.${healthOf(w())}` as MessageKey, { failures: w().consecutiveFailures })}</span>
        </h3>
        <Show when={props.canManage && !editing()}>
          <div class="webhook-actions">
            <button type="button" disabled={testing() || !w().receiving} onClick={() => void runTest()}>
              {testing() ? t('webhooks.testing') : t('webhooks.test')}
            </button>
            <Show when={w().pausedAt && w().receiving}>
              <button type="button" class="primary" onClick={() => void resume()}>
                {t('webhooks.resume')}
              </button>
            </Show>
            <button type="button" onClick={() => setEditing(true)}>
              {t('webhooks.edit')}
            </button>
            <ConfirmButton label={t('webhooks.delete')} confirmLabel={t('webhooks.confirmDelete')} onConfirm={remove} />
          </div>
        </Show>
      </header>
      <Show
        when={editing()}
        fallback={
          <dl class="webhook-facts">
            <dt>{t('webhooks.url')}</dt>
            <dd class="webhook-url">{w().url}</dd>
            <dt>{t('webhooks.events')}</dt>
            <dd>
              <For each={EVENTS.filter((e) => w().events.includes(e))}>{(e) => <span class="tag">{t(`webhooks.event.${e}` as MessageKey)}</span>}</For>
            </dd>
            <dt>{t('webhooks.shops')}</dt>
            <dd>{w().shops === null ? t('webhooks.everyShop') : (w().shops ?? []).map((s) => s.name).join('、')}</dd>
            <dt>{t('webhooks.signing')}</dt>
            <dd>{w().signed ? t(`webhooks.signed.${w().format}` as MessageKey) : t('webhooks.unsigned')}</dd>
            <dt>{t('webhooks.created')}</dt>
            <dd>{formatDateTime(w().createdAt, locale())}</dd>
          </dl>
        }
      >
        <WebhookEditor
          initial={formOfWebhook(w())}
          editing
          allShopsOffered={w().shops === null}
          callerOverAll={props.callerOverAll}
          shops={props.shops}
          onSubmit={save}
          onCancel={() => setEditing(false)}
        />
      </Show>
      <Show when={healthOf(w()) === 'STOPPED'}>
        <p class="inline-error">{t('webhooks.stoppedNote')}</p>
      </Show>
      <Show when={healthOf(w()) === 'PAUSED'}>
        <p class="inline-error">{t('webhooks.pausedNote', { at: formatDateTime(w().pausedAt!, locale()) })}</p>
      </Show>
      <Show when={testResult()}>
        {(result) => (
          <p class={result().sent ? 'saved-note' : 'inline-error'} role="status" data-testid="webhook-test-result">
            {result().text}
          </p>
        )}
      </Show>
      <Show when={failure.message()}>{(message) => <p class="inline-error" role="alert">{message()}</p>}</Show>
      <button type="button" class="link-button" aria-expanded={showLog()} onClick={() => setShowLog(!showLog())}>
        {showLog() ? t('webhooks.hideLog') : t('webhooks.showLog')}
      </button>
      <Show when={showLog()}>
        <WebhookDeliveries webhookId={w().id} canRedeliver={props.canManage} />
      </Show>
    </article>
  );
}
