import { createQuery, useClient } from '@urql/solid';
import { FormActions } from '../../components/FormActions';
import { createSignal, For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { ConfirmButton } from '../../components/ConfirmButton';
import { InlineError } from '../../components/InlineError';
import { sendMutation, type MutationOutcome } from '../../graphql/mutation-outcome';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatDateTime } from '../../lib/format';
import { shanghaiDate } from '../../lib/shanghai-day';
import { useConsole } from '../console/console.context';
import { useCheckedSubmit, useSaveFailure } from '../console/save-failure';
import { ShopChoice } from '../console/ShopChoice';
import type { ShopOption } from '../reports/reports.documents';
import { emptyKeyForm, keyInput, screenLink, SCOPES, toggledScope, type KeyForm, type KeyProblem } from './access-form';
import { ApiKeysQuery, CreateApiKeyMutation, RevokeApiKeyMutation, type ApiKeyView } from './access.documents';

/**
 * API 密钥: the keys the caller manages (an ADMIN: everyone's), newest first — name, prefix, scopes, shops,
 * screen key or not, expiry and last use; 新建密钥 (its secret shown once, with the screen's sign-in link for
 * a screen key) and 吊销 (asked twice). No key is broader than its creator: the server refuses the rest.
 */
export function ApiKeysSection(props: { shops: readonly ShopOption[] }) {
  const { t, locale } = useI18n();
  const services = useConsole();
  const client = useClient();
  const [includeRevoked, setIncludeRevoked] = createSignal(false);
  const [keys, refetch] = createQuery({ query: ApiKeysQuery, variables: () => ({ includeRevoked: includeRevoked() }) });
  const [creating, setCreating] = createSignal(false);
  const [made, setMade] = createSignal<{ name: string; secret: string; screen: boolean } | null>(null);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const create = async (form: KeyForm) => {
    const built = keyInput(form, shanghaiDate(services.now()));
    if ('problem' in built) return built;
    const outcome = await sendMutation(client, CreateApiKeyMutation, { input: built.input }, (data) => data.createApiKey, (payload) => payload.apiKey && payload.secret ? { key: payload.apiKey, secret: payload.secret } : null);
    if (outcome.ok) {
      setCreating(false);
      setMade({ name: outcome.value.key.name, secret: outcome.value.secret, screen: outcome.value.key.trustedDocumentsOnly });
      reload();
    }
    return outcome;
  };
  const revoke = async (id: string) => {
    const outcome = await sendMutation(client, RevokeApiKeyMutation, { id }, (data) => data.revokeApiKey, (payload) => payload.apiKey);
    if (outcome.ok) reload();
    return outcome;
  };

  return (
    <section class="console-card access-section" data-testid="api-keys">
      <h3>
        {t('access.keys')}
        <label class="check access-toggle">
          <input type="checkbox" checked={includeRevoked()} onChange={(e) => setIncludeRevoked(e.currentTarget.checked)} />
          {t('access.showRevoked')}
        </label>
        <Show when={!creating()}>
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            {t('access.newKey')}
          </button>
        </Show>
      </h3>
      <p class="muted">{t('access.keysIntro')}</p>
      <InlineError message={keys.error && t('app.error', { message: errorIn(keys.error, locale()) })} />
      <Show when={made()}>
        {(key) => (
          <div class="access-secret" role="status" data-testid="api-key-secret">
            <p>{t('access.secretOnce', { name: key().name })}</p>
            <code>{key().secret}</code>
            <Show when={key().screen}>
              <p>{t('access.screenLink')}</p>
              <code data-testid="api-key-screen-link">{screenLink(location.origin, key().secret)}</code>
            </Show>
            <button type="button" class="link-button" onClick={() => setMade(null)}>
              {t('webhooks.secretNoted')}
            </button>
          </div>
        )}
      </Show>
      <Show when={creating()}>
        <KeyEditor shops={props.shops} callerOverAll={keys.data?.viewer.allShops === true} onSubmit={create} onCancel={() => setCreating(false)} />
      </Show>
      <Show when={keys.data} fallback={<p class="empty">{t('app.loading')}</p>}>
        {(data) => (
          <Show when={data().apiKeys.length > 0} fallback={<p class="empty">{t('access.noKeys')}</p>}>
            <ConsoleTable columns={[t('access.keyName'), t('access.scopes'), t('access.shops'), t('access.expires'), t('access.lastUsed'), '']}>
              <tbody>
                <For each={data().apiKeys}>{(key) => <ApiKeyRow apiKey={key} onRevoke={revoke} />}</For>
              </tbody>
            </ConsoleTable>
          </Show>
        )}
      </Show>
    </section>
  );
}

function ApiKeyRow(props: { apiKey: ApiKeyView; onRevoke: (id: string) => Promise<MutationOutcome<unknown>> }) {
  const { t, locale } = useI18n();
  const failure = useSaveFailure();
  const k = () => props.apiKey;
  const revoke = async () => failure.show(await props.onRevoke(k().id));
  return (
    <tr data-testid="api-key" data-revoked={k().revokedAt !== null} classList={{ revoked: k().revokedAt !== null }}>
      <th scope="row">
        {k().name}
        <span class="access-prefix">{k().prefix}…</span>
        <Show when={k().trustedDocumentsOnly}>
          <span class="tag">{t('access.screenKey')}</span>
        </Show>
      </th>
      <td>{k().scopes.map((s) => t(`access.scope.${s}` as MessageKey)).join('、')}</td>
      <td>{k().shops === null ? t('access.everyShop') : (k().shops ?? []).map((s) => s.name).join('、')}</td>
      <td>{k().expiresAt ? formatDateTime(k().expiresAt!, locale()) : t('access.never')}</td>
      <td>{k().lastUsedAt ? formatDateTime(k().lastUsedAt!, locale()) : '—'}</td>
      <td class="access-actions">
        <Show
          when={!k().revokedAt}
          fallback={<span class="tag bad">{t('access.revokedAt', { at: formatDateTime(k().revokedAt!, locale()) })}</span>}
        >
          <ConfirmButton linkStyle label={t('access.revoke')} confirmLabel={t('access.confirmRevoke')} onConfirm={revoke} />
        </Show>
        <InlineError message={failure.message()} />
      </td>
    </tr>
  );
}

function KeyEditor(props: {
  shops: readonly ShopOption[];
  callerOverAll: boolean;
  onSubmit: (form: KeyForm) => Promise<{ problem: KeyProblem } | MutationOutcome<unknown>>;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [form, setForm] = createSignal(emptyKeyForm());
  const { problem, pending, failure, run } = useCheckedSubmit<KeyProblem>();
  const change = (patch: Partial<KeyForm>) => setForm({ ...form(), ...patch });
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void run(() => props.onSubmit(form()));
  };
  return (
    <form class="access-editor" data-testid="api-key-editor" onSubmit={submit}>
      <div class="access-editor-grid">
        <label class="field">
          {t('access.keyName')}
          <input value={form().name} maxLength={100} aria-invalid={problem() === 'name'} placeholder={t('access.keyNamePlaceholder')} onInput={(e) => change({ name: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('access.expiresOn')}
          <input type="date" value={form().expiresOn} aria-invalid={problem() === 'expires'} onChange={(e) => change({ expiresOn: e.currentTarget.value })} />
        </label>
      </div>
      <label class="check">
        <input type="checkbox" checked={form().screen} onChange={(e) => change({ screen: e.currentTarget.checked })} />
        {t('access.screenKeyChoice')}
      </label>
      <Show when={!form().screen}>
        <fieldset class="choices" aria-invalid={problem() === 'scopes'}>
          <legend>{t('access.scopes')}</legend>
          <For each={SCOPES}>
            {(scope) => (
              <label class="check">
                <input type="checkbox" checked={form().scopes.includes(scope)} onChange={(e) => change({ scopes: toggledScope(form().scopes, scope, e.currentTarget.checked) })} />
                {t(`access.scope.${scope}` as MessageKey)}
                <span class="muted">{t(`access.scopeMeaning.${scope}` as MessageKey)}</span>
              </label>
            )}
          </For>
        </fieldset>
      </Show>
      <ShopChoice
        legend={t('access.shops')}
        allLabel={props.callerOverAll ? t('access.everyShop') : t('webhooks.allMyShops')}
        allShops={form().allShops}
        shopIds={form().shopIds}
        shops={props.shops}
        invalid={problem() === 'shops'}
        name="api-key-shops"
        onChange={change}
      />
      <FormActions message={problem() ? t(`access.problem.${problem()!}` as MessageKey) : failure()} pending={pending()} submitLabel={t('access.createKey')} onCancel={() => props.onCancel()} />
    </form>
  );
}
