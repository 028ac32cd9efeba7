import { createQuery, useClient } from '@urql/solid';
import { FormActions } from '../../components/FormActions';
import { createSignal, For, Show, untrack } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { ConfirmButton } from '../../components/ConfirmButton';
import { InlineError } from '../../components/InlineError';
import { sendMutation, type MutationOutcome } from '../../graphql/mutation-outcome';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatDateTime } from '../../lib/format';
import { useConsole } from '../console/console.context';
import { useCheckedSubmit, useSaveFailure } from '../console/save-failure';
import { ShopChoice } from '../console/ShopChoice';
import type { ShopOption } from '../reports/reports.documents';
import { accountUpdateInput, changeOfUser, emptyUserForm, MIN_PASSWORD_LENGTH, ROLES, userInput, type UserForm, type UserProblem } from './access-form';
import { CreateUserMutation, DisableUserMutation, UpdateUserMutation, UsersQuery, type Role, type UserUpdate, type UserView } from './access.documents';

/**
 * 员工账号 (ADMIN): every staff account — name, email, role, shops, locked or disabled; 新建账号, the role
 * changed in place, 停用 (asked twice), which ends the account's sessions on every instance at once, and 启用
 * for a disabled one (the person signs in again: nothing the disable ended comes back).
 */
export function UsersSection(props: { shops: readonly ShopOption[] }) {
  const { t, locale } = useI18n();
  const client = useClient();
  const [users, refetch] = createQuery({ query: UsersQuery });
  const [creating, setCreating] = createSignal(false);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const create = async (form: UserForm) => {
    const built = userInput(form);
    if ('problem' in built) return built;
    const outcome = await sendMutation(client, CreateUserMutation, { input: built.input }, (data) => data.createUser, (payload) => payload.user);
    if (outcome.ok) {
      setCreating(false);
      reload();
    }
    return outcome;
  };
  const update = async (input: UserUpdate) => {
    const outcome = await sendMutation(client, UpdateUserMutation, { input }, (data) => data.updateUser, (payload) => payload.user);
    if (outcome.ok) reload();
    return outcome;
  };
  const disable = async (id: string) => {
    const outcome = await sendMutation(client, DisableUserMutation, { id }, (data) => data.disableUser, (payload) => payload.user);
    if (outcome.ok) reload();
    return outcome;
  };

  return (
    <section class="console-card access-section" data-testid="users">
      <h3>
        {t('access.users')}
        <Show when={!creating()}>
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            {t('access.newUser')}
          </button>
        </Show>
      </h3>
      <InlineError message={users.error && t('app.error', { message: errorIn(users.error, locale()) })} />
      <Show when={creating()}>
        <UserEditor shops={props.shops} onSubmit={create} onCancel={() => setCreating(false)} />
      </Show>
      <Show when={users.data} fallback={<p class="empty">{t('app.loading')}</p>}>
        {(data) => (
          <Show when={data().users.length > 0} fallback={<p class="empty">{t('access.noUsers')}</p>}>
            <ConsoleTable columns={[t('access.userName'), t('access.email'), t('access.role'), t('access.shops'), t('access.state'), '']}>
              <tbody>
                <For each={data().users}>{(user) => <UserRow user={user} shops={props.shops} onUpdate={update} onDisable={disable} />}</For>
              </tbody>
            </ConsoleTable>
          </Show>
        )}
      </Show>
    </section>
  );
}

function UserRow(props: {
  user: UserView;
  shops: readonly ShopOption[];
  onUpdate: (input: UserUpdate) => Promise<MutationOutcome<unknown>>;
  onDisable: (id: string) => Promise<MutationOutcome<unknown>>;
}) {
  const { t, locale } = useI18n();
  const services = useConsole();
  const failure = useSaveFailure();
  const [editing, setEditing] = createSignal(false);
  const u = () => props.user;
  // A refused change puts the select back on the role stored (the list is not read again, so nothing else would).
  const changeRole = async (select: HTMLSelectElement) => {
    const outcome = await props.onUpdate({ id: u().id, role: select.value as Role });
    failure.show(outcome);
    if (!outcome.ok) select.value = u().role;
  };
  const state = () => (u().disabled ? t('access.disabled') : u().lockedUntil && Date.parse(u().lockedUntil!) > services.now() ? t('access.lockedUntil', { at: formatDateTime(u().lockedUntil!, locale()) }) : t('access.active'));
  return (
    <>
      <tr data-testid="user" data-disabled={u().disabled} classList={{ revoked: u().disabled }}>
        <th scope="row">{u().name}</th>
        <td>{u().email}</td>
        <td>
          <select aria-label={t('access.roleOf', { name: u().name })} value={u().role} disabled={u().disabled} onChange={(e) => void changeRole(e.currentTarget)}>
            <For each={ROLES}>{(role) => <option value={role} selected={role === u().role}>{t(`access.role.${role}` as MessageKey)}</option>}</For>
          </select>
        </td>
        <td>{u().shopIds === null ? t('access.everyShop') : (u().shopIds ?? []).map((s) => s.name).join('、')}</td>
        <td>{state()}</td>
        <td class="access-actions">
          <Show when={!u().disabled}>
            <Show when={!editing()}>
              <button type="button" class="link-button" onClick={() => setEditing(true)}>
                {t('access.editAccount')}
              </button>
            </Show>
            <ConfirmButton linkStyle label={t('access.disable')} confirmLabel={t('access.confirmDisable')} onConfirm={async () => failure.show(await props.onDisable(u().id))} />
          </Show>
          <Show when={u().disabled}>
            <button type="button" class="link-button" title={t('access.enableHint')} onClick={async () => failure.show(await props.onUpdate({ id: u().id, disabled: false }))}>
              {t('access.enable')}
            </button>
          </Show>
          <InlineError message={failure.message()} />
        </td>
      </tr>
      <Show when={editing()}>
        <tr class="access-account-row">
          <td colSpan={6}>
            <AccountEditor user={u()} shops={props.shops} onUpdate={props.onUpdate} onClose={() => setEditing(false)} />
          </td>
        </tr>
      </Show>
    </>
  );
}

/** An account's shops (not an ADMIN's: over every shop) and a new password; only what changed is sent. */
function AccountEditor(props: { user: UserView; shops: readonly ShopOption[]; onUpdate: (input: UserUpdate) => Promise<MutationOutcome<unknown>>; onClose: () => void }) {
  const { t } = useI18n();
  const [change, setChange] = createSignal(changeOfUser(untrack(() => props.user)));
  const { problem, pending, failure, run } = useCheckedSubmit<UserProblem>();
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void run(async () => {
      const built = accountUpdateInput(props.user, change());
      if (built === null) {
        props.onClose();
        return null;
      }
      if ('problem' in built) return built;
      const outcome = await props.onUpdate(built.input);
      if (outcome.ok) props.onClose();
      return outcome;
    });
  };
  return (
    <form class="access-editor" data-testid="account-editor" onSubmit={submit}>
      <Show when={props.user.role !== 'ADMIN'}>
        <ShopChoice
          legend={t('access.shops')}
          allLabel={t('access.everyShop')}
          allShops={change().allShops}
          shopIds={change().shopIds}
          shops={props.shops}
          invalid={problem() === 'shops'}
          name={`account-shops-${props.user.id}`}
          onChange={(choice) => setChange({ ...change(), ...choice })}
        />
      </Show>
      <label class="field">
        {t('access.newPassword')}
        <input type="password" autocomplete="new-password" value={change().password} aria-invalid={problem() === 'password'} placeholder={t('access.keepPassword')} onInput={(e) => setChange({ ...change(), password: e.currentTarget.value })} />
      </label>
      <FormActions message={problem() ? t(`access.problem.${problem()!}` as MessageKey, { n: MIN_PASSWORD_LENGTH }) : failure()} pending={pending()} submitLabel={t('webhooks.saveChanges')} onCancel={() => props.onClose()} />
    </form>
  );
}

function UserEditor(props: { shops: readonly ShopOption[]; onSubmit: (form: UserForm) => Promise<{ problem: UserProblem } | MutationOutcome<unknown>>; onCancel: () => void }) {
  const { t } = useI18n();
  const [form, setForm] = createSignal(emptyUserForm());
  const { problem, pending, failure, run } = useCheckedSubmit<UserProblem>();
  const change = (patch: Partial<UserForm>) => setForm({ ...form(), ...patch });
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void run(() => props.onSubmit(form()));
  };
  return (
    <form class="access-editor" data-testid="user-editor" onSubmit={submit}>
      <div class="access-editor-grid">
        <label class="field">
          {t('access.email')}
          <input type="email" autocomplete="off" value={form().email} aria-invalid={problem() === 'email'} onInput={(e) => change({ email: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('access.userName')}
          <input value={form().name} maxLength={100} aria-invalid={problem() === 'name'} onInput={(e) => change({ name: e.currentTarget.value })} />
        </label>
        <label class="field">
          {t('access.role')}
          <select value={form().role} onChange={(e) => change({ role: e.currentTarget.value as Role })}>
            <For each={ROLES}>{(role) => <option value={role} selected={role === form().role}>{t(`access.role.${role}` as MessageKey)}</option>}</For>
          </select>
        </label>
        <label class="field">
          {t('access.password')}
          <input type="password" autocomplete="new-password" value={form().password} aria-invalid={problem() === 'password'} placeholder={t('access.passwordHint', { n: MIN_PASSWORD_LENGTH })} onInput={(e) => change({ password: e.currentTarget.value })} />
        </label>
      </div>
      <p class="muted">{t(`access.roleMeaning.${form().role}` as MessageKey)}</p>
      <Show when={form().role !== 'ADMIN'}>
        <ShopChoice
          legend={t('access.shops')}
          allLabel={t('access.everyShop')}
          allShops={form().allShops}
          shopIds={form().shopIds}
          shops={props.shops}
          invalid={problem() === 'shops'}
          name="user-shops"
          onChange={change}
        />
      </Show>
      <FormActions message={problem() ? t(`access.problem.${problem()!}` as MessageKey, { n: MIN_PASSWORD_LENGTH }) : failure()} pending={pending()} submitLabel={t('access.createUser')} onCancel={() => props.onCancel()} />
    </form>
  );
}
