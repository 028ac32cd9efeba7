import { createQuery, useClient } from '@urql/solid';
import { createMemo, createSignal, For, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import { sendMutation } from '../../graphql/mutation-outcome';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { canManage, useConsole } from '../console/console.context';
import { ConsoleShopsQuery } from '../reports/reports.documents';
import { createInput, emptyForm, type WebhookForm } from './webhook-form';
import { WebhookCard, type WebhookActions } from './WebhookCard';
import { WebhookEditor } from './WebhookEditor';
import { CreateWebhookMutation, DeleteWebhookMutation, TestWebhookMutation, UpdateWebhookMutation, WebhooksQuery } from './webhooks.documents';

/**
 * 告警推送: where alerts are sent — the operations group's DingTalk, WeCom or Feishu robot, or a partner's
 * system (JSON). Lists the caller's webhooks (an admin's: every one) with their health, and with MANAGE
 * creates, tests, edits, resumes and deletes them. docs/WEBHOOKS.md has the formats and the rules.
 */
export function WebhooksPage() {
  const { t, locale } = useI18n();
  const services = useConsole();
  const client = useClient();
  // The list needs MANAGE: a VIEWER is told so rather than shown the server's refusal.
  const mayManage = () => canManage(services.permissions());
  const [webhooks, refetchWebhooks] = createQuery({ query: WebhooksQuery, pause: () => !mayManage() });
  const [shops] = createQuery({ query: ConsoleShopsQuery });
  const [creating, setCreating] = createSignal(false);
  const [newSecret, setNewSecret] = createSignal<{ name: string; secret: string } | null>(null);
  const reload = () => refetchWebhooks({ requestPolicy: 'network-only' });
  const shopOptions = () => shops.data?.shops.edges.map((e) => e.node) ?? [];
  const callerOverAll = () => webhooks.data?.viewer.allShops === true;
  const failure = () => webhooks.error ?? shops.error;
  const byId = createMemo(() => new Map((webhooks.data?.webhooks ?? []).map((w) => [w.id, w])));

  const create = async (form: WebhookForm) => {
    const made = createInput(form);
    if ('problem' in made) return made;
    const outcome = await sendMutation(client, CreateWebhookMutation, { input: made.input }, (data) => data.createWebhook, (payload) =>
      payload.webhook ? { webhook: payload.webhook, secret: payload.secret } : null,
    );
    if (outcome.ok) {
      setCreating(false);
      const { webhook, secret } = outcome.value;
      setNewSecret(secret ? { name: webhook.name, secret } : null);
      reload();
    }
    return outcome;
  };

  const actions: WebhookActions = {
    async test(id) {
      return sendMutation(client, TestWebhookMutation, { id }, (data) => data.testWebhook, (payload) => payload.attempt);
    },
    async update(input) {
      const outcome = await sendMutation(client, UpdateWebhookMutation, { input }, (data) => data.updateWebhook, (payload) => payload.webhook);
      if (outcome.ok) reload();
      return outcome;
    },
    async remove(id) {
      const outcome = await sendMutation(client, DeleteWebhookMutation, { id }, (data) => data.deleteWebhook, (payload) => payload.webhook);
      if (outcome.ok) reload();
      return outcome;
    },
  };

  return (
    <div class="console-page-body" data-testid="webhooks-page">
      <div class="console-toolbar">
        <h2>{t('webhooks.title')}</h2>
        <Show when={mayManage() && !creating()}>
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            {t('webhooks.new')}
          </button>
        </Show>
      </div>
      <p class="muted">{t('webhooks.intro')}</p>
      <Show when={mayManage()} fallback={<p class="empty" data-testid="webhooks-need-manage">{t('webhooks.needManage')}</p>}>
        <InlineError message={failure() && t('app.error', { message: errorIn(failure()!, locale()) })} />
        <Show when={newSecret()}>
          {(made) => (
            <section class="console-card webhook-secret" role="status" data-testid="webhook-secret">
              <p>{t('webhooks.secretOnce', { name: made().name })}</p>
              <code>{made().secret}</code>
              <button type="button" class="link-button" onClick={() => setNewSecret(null)}>
                {t('webhooks.secretNoted')}
              </button>
            </section>
          )}
        </Show>
        <Show when={creating()}>
          <section class="console-card">
            <h3>{t('webhooks.new')}</h3>
            <WebhookEditor
              initial={emptyForm()}
              editing={false}
              allShopsOffered
              callerOverAll={callerOverAll()}
              shops={shopOptions()}
              onSubmit={create}
              onCancel={() => setCreating(false)}
            />
          </section>
        </Show>
        <Show when={webhooks.data} fallback={<p class="empty">{t('app.loading')}</p>}>
          {(data) => (
            <Show when={data().webhooks.length > 0} fallback={<p class="empty" data-testid="webhooks-empty">{t('webhooks.empty')}</p>}>
              {/* By id: a card keeps its open log and test answer when the list is read again after a change. */}
              <For each={data().webhooks.map((w) => w.id)}>
                {(id) => (
                  <Show when={byId().get(id)}>
                    {(webhook) => <WebhookCard webhook={webhook()} canManage={mayManage()} callerOverAll={callerOverAll()} shops={shopOptions()} actions={actions} />}
                  </Show>
                )}
              </For>
            </Show>
          )}
        </Show>
      </Show>
    </div>
  );
}
