import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { openConsole, SHOP } from '../../../test/console';
import { MAY_MANAGE, READ_ONLY, storedSession } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { expectAlertFollowsToggle } from '../../../test/refusals';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import { addDays, shanghaiDate } from '../../lib/shanghai-day';
import type { ApiKeysQuery, ApiKeyView, CreateApiKeyMutation, CreateUserMutation, DisableUserMutation, RevokeApiKeyMutation, UpdateUserMutation, UsersQuery, UserView } from './access.documents';

useMockApi();

const ADMIN = ['READ', 'INGEST', 'MANAGE', 'ADMIN'] as const;
const FEED: ApiKeyView = {
  id: 'QXBpS2V5OjE=',
  name: 'ERP 数据上报',
  prefix: 'pk_AbCd1234',
  scopes: ['INGEST'],
  shops: [SHOP],
  trustedDocumentsOnly: false,
  expiresAt: null,
  lastUsedAt: '2026-11-11T04:00:00Z',
  revokedAt: null,
  createdAt: '2026-11-01T02:00:00Z',
};
const OLD: ApiKeyView = { ...FEED, id: 'QXBpS2V5OjI=', name: '旧大屏', prefix: 'pk_Old00000', scopes: ['READ'], shops: null, trustedDocumentsOnly: true, revokedAt: '2026-11-05T02:00:00Z' };
const LI: UserView = { id: 'VXNlcjox', name: '李娜', email: 'li.na@example.cn', role: 'OPERATOR', shopIds: [SHOP], disabled: false, lockedUntil: null, createdAt: '2026-10-01T02:00:00Z' };

type Written = {
  keys: VariablesOf<typeof CreateApiKeyMutation>['input'][];
  revoked: string[];
  users: VariablesOf<typeof CreateUserMutation>['input'][];
  updated: VariablesOf<typeof UpdateUserMutation>['input'][];
  disabled: string[];
};

function answerAccess(options: { refuseUser?: boolean; users?: UserView[] } = {}) {
  let keys = [FEED, OLD];
  let users = options.users ?? [LI];
  const written: Written = { keys: [], revoked: [], users: [], updated: [], disabled: [] };
  const reads = { keys: 0, users: 0 };
  const ok = { userErrors: [] };
  server.use(
    api.query<ResultOf<typeof ApiKeysQuery>, VariablesOf<typeof ApiKeysQuery>>('ConsoleApiKeys', ({ variables }) => {
      reads.keys++;
      return HttpResponse.json({ data: { viewer: { allShops: false }, apiKeys: keys.filter((k) => variables.includeRevoked || k.revokedAt === null) } });
    }),
    api.query<ResultOf<typeof UsersQuery>>('ConsoleUsers', () => {
      reads.users++;
      return HttpResponse.json({ data: { users } });
    }),
    api.mutation<ResultOf<typeof CreateApiKeyMutation>, VariablesOf<typeof CreateApiKeyMutation>>('ConsoleCreateApiKey', ({ variables }) => {
      written.keys.push(variables.input);
      const key: ApiKeyView = { ...FEED, id: 'QXBpS2V5OjM=', name: variables.input.name, prefix: 'pk_New12345', scopes: variables.input.scopes, trustedDocumentsOnly: variables.input.trustedDocumentsOnly ?? false, lastUsedAt: null };
      keys = [key, ...keys];
      return HttpResponse.json({ data: { createApiKey: { secret: 'pk_New12345secretpart', apiKey: key, ...ok } } });
    }),
    api.mutation<ResultOf<typeof RevokeApiKeyMutation>, VariablesOf<typeof RevokeApiKeyMutation>>('ConsoleRevokeApiKey', ({ variables }) => {
      written.revoked.push(variables.id);
      keys = keys.map((k) => (k.id === variables.id ? { ...k, revokedAt: '2026-11-11T05:00:00Z' } : k));
      return HttpResponse.json({ data: { revokeApiKey: { apiKey: { id: variables.id, revokedAt: '2026-11-11T05:00:00Z' }, ...ok } } });
    }),
    api.mutation<ResultOf<typeof CreateUserMutation>, VariablesOf<typeof CreateUserMutation>>('ConsoleCreateUser', ({ variables }) => {
      written.users.push(variables.input);
      if (options.refuseUser) {
        return HttpResponse.json({ data: { createUser: { user: null, userErrors: [{ field: ['input', 'email'], code: 'CONFLICT', message: 'a user with this email already exists', messageZh: '该邮箱已有账号' }] } } });
      }
      const user: UserView = { ...LI, id: 'VXNlcjoy', name: variables.input.name, email: variables.input.email, role: variables.input.role, shopIds: null };
      users = [...users, user];
      return HttpResponse.json({ data: { createUser: { user: { id: user.id }, ...ok } } });
    }),
    api.mutation<ResultOf<typeof UpdateUserMutation>, VariablesOf<typeof UpdateUserMutation>>('ConsoleUpdateUser', ({ variables }) => {
      written.updated.push(variables.input);
      users = users.map((u) => (u.id === variables.input.id ? { ...u, role: variables.input.role ?? u.role, disabled: variables.input.disabled ?? u.disabled } : u));
      const user = users.find((u) => u.id === variables.input.id)!;
      return HttpResponse.json({ data: { updateUser: { user: { id: user.id, role: user.role, disabled: user.disabled }, ...ok } } });
    }),
    api.mutation<ResultOf<typeof DisableUserMutation>, VariablesOf<typeof DisableUserMutation>>('ConsoleDisableUser', ({ variables }) => {
      written.disabled.push(variables.id);
      users = users.map((u) => (u.id === variables.id ? { ...u, disabled: true } : u));
      return HttpResponse.json({ data: { disableUser: { user: { id: variables.id, disabled: true }, ...ok } } });
    }),
  );
  return { written, reads };
}

const keyRow = (name: string) => screen.getAllByTestId('api-key').find((r) => r.textContent?.includes(name))!;

describe('the access page', () => {
  it('lists the keys a manager manages, never their secrets, and no staff accounts without ADMIN', async () => {
    const { reads } = answerAccess();
    openConsole('/console/access', { credential: storedSession(1), permissions: MAY_MANAGE });
    await waitFor(() => expect(screen.getAllByTestId('api-key')).toHaveLength(1));
    expect(screen.getByRole('link', { name: '访问管理' })).toHaveClass('active');
    const feed = keyRow('ERP 数据上报');
    expect(feed).toHaveTextContent('pk_AbCd1234…');
    expect(feed).toHaveTextContent('上报数据');
    expect(feed).toHaveTextContent(SHOP.name);
    expect(feed).toHaveTextContent('不过期');
    expect(screen.queryByTestId('users')).toBeNull();
    expect(reads.users).toBe(0);
    // Revoked keys on demand.
    fireEvent.click(screen.getByLabelText('显示已吊销'));
    await waitFor(() => expect(screen.getAllByTestId('api-key')).toHaveLength(2));
    expect(keyRow('旧大屏')).toHaveTextContent('已于');
    expect(keyRow('旧大屏')).toHaveTextContent('大屏');
    expect(within(keyRow('旧大屏')).queryByRole('button', { name: '吊销' })).toBeNull();
  });

  it('makes a screen key for one shop that ends after its last day, and shows its secret and sign-in link once', async () => {
    const { written } = answerAccess();
    openConsole('/console/access', { credential: storedSession(1), permissions: MAY_MANAGE });
    fireEvent.click(await screen.findByRole('button', { name: '新建密钥' }));
    const editor = screen.getByTestId('api-key-editor');
    fireEvent.click(within(editor).getByRole('button', { name: '创建密钥' }));
    expect(await within(editor).findByRole('alert')).toHaveTextContent('未创建：请填写名称');
    fireEvent.input(within(editor).getByLabelText('名称'), { target: { value: '会场大屏 1 号' } });
    fireEvent.click(within(editor).getByLabelText('读取', { exact: false }));
    fireEvent.click(within(editor).getByRole('button', { name: '创建密钥' }));
    expect(await within(editor).findByRole('alert')).toHaveTextContent('未创建：至少选择一个权限范围');
    fireEvent.click(within(editor).getByLabelText('大屏专用', { exact: false }));
    fireEvent.click(within(editor).getByLabelText('指定店铺'));
    fireEvent.click(within(editor).getByLabelText(SHOP.name));
    const lastDay = addDays(shanghaiDate(Date.now()), 30);
    fireEvent.change(within(editor).getByLabelText('有效期至（含当天，可不填）'), { target: { value: lastDay } });
    fireEvent.click(within(editor).getByRole('button', { name: '创建密钥' }));
    const secret = await screen.findByTestId('api-key-secret');
    expect(written.keys).toEqual([{ name: '会场大屏 1 号', scopes: ['READ'], shopIds: [SHOP.id], expiresAt: `${addDays(lastDay, 1)}T00:00:00+08:00`, trustedDocumentsOnly: true }]);
    expect(secret).toHaveTextContent('pk_New12345secretpart');
    expect(screen.getByTestId('api-key-screen-link')).toHaveTextContent(`${location.origin}/#key=pk_New12345secretpart`);
    await waitFor(() => expect(screen.getAllByTestId('api-key')).toHaveLength(2));
    fireEvent.click(within(secret).getByRole('button', { name: '我已保存' }));
    expect(screen.queryByTestId('api-key-secret')).toBeNull();
    expect(document.body).not.toHaveTextContent('pk_New12345secretpart');
  });

  it('revokes a key only when asked twice', async () => {
    const { written } = answerAccess();
    openConsole('/console/access', { credential: storedSession(1), permissions: MAY_MANAGE });
    await waitFor(() => expect(screen.getAllByTestId('api-key')).toHaveLength(1));
    fireEvent.click(within(keyRow('ERP 数据上报')).getByRole('button', { name: '吊销' }));
    expect(written.revoked).toEqual([]);
    fireEvent.click(within(keyRow('ERP 数据上报')).getByRole('button', { name: '确认吊销' }));
    await waitFor(() => expect(screen.queryAllByTestId('api-key')).toHaveLength(0));
    expect(written.revoked).toEqual([FEED.id]);
  });

  it('lets an admin create a staff account, change a role and disable an account', async () => {
    const { written } = answerAccess();
    openConsole('/console/access', { credential: storedSession(1), permissions: ADMIN });
    await waitFor(() => expect(screen.getAllByTestId('user')).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: '新建账号' }));
    const editor = screen.getByTestId('user-editor');
    fireEvent.input(within(editor).getByLabelText('邮箱'), { target: { value: ' wang@example.cn ' } });
    fireEvent.input(within(editor).getByLabelText('姓名'), { target: { value: '王运营' } });
    fireEvent.input(within(editor).getByLabelText('初始密码'), { target: { value: 'short' } });
    fireEvent.click(within(editor).getByRole('button', { name: '创建账号' }));
    expect(await within(editor).findByRole('alert')).toHaveTextContent('未创建：密码至少 12 个字符');
    fireEvent.input(within(editor).getByLabelText('初始密码'), { target: { value: 'correct horse battery' } });
    // An admin is over every shop: no shops to choose.
    fireEvent.change(within(editor).getByLabelText('角色'), { target: { value: 'ADMIN' } });
    expect(within(editor).queryByLabelText('指定店铺')).toBeNull();
    fireEvent.change(within(editor).getByLabelText('角色'), { target: { value: 'VIEWER' } });
    fireEvent.click(within(editor).getByLabelText('指定店铺'));
    fireEvent.click(within(editor).getByLabelText(SHOP.name));
    fireEvent.click(within(editor).getByRole('button', { name: '创建账号' }));
    await waitFor(() => expect(screen.getAllByTestId('user')).toHaveLength(2));
    expect(written.users).toEqual([{ email: 'wang@example.cn', name: '王运营', role: 'VIEWER', password: 'correct horse battery', shopIds: [SHOP.id] }]);

    fireEvent.change(screen.getByLabelText('李娜 的角色'), { target: { value: 'VIEWER' } });
    await waitFor(() => expect(written.updated).toEqual([{ id: LI.id, role: 'VIEWER' }]));
    const li = screen.getAllByTestId('user')[0]!;
    fireEvent.click(within(li).getByRole('button', { name: '停用' }));
    fireEvent.click(within(li).getByRole('button', { name: '确认停用' }));
    await waitFor(() => expect(screen.getAllByTestId('user')[0]!.dataset.disabled).toBe('true'));
    expect(written.disabled).toEqual([LI.id]);
    expect(screen.getAllByTestId('user')[0]).toHaveTextContent('已停用');
  });

  it('lets an admin enable a disabled account again, and offers it on no other', async () => {
    const { written } = answerAccess({ users: [{ ...LI, disabled: true }, { ...LI, id: 'VXNlcjoy', name: '王运营', email: 'wang@example.cn' }] });
    openConsole('/console/access', { credential: storedSession(1), permissions: ADMIN });
    await waitFor(() => expect(screen.getAllByTestId('user')).toHaveLength(2));
    const [li, wang] = screen.getAllByTestId('user');
    expect(li).toHaveTextContent('已停用');
    expect(within(li!).queryByRole('button', { name: '停用' })).toBeNull();
    expect(within(wang!).queryByRole('button', { name: '启用' })).toBeNull();
    fireEvent.click(within(li!).getByRole('button', { name: '启用' }));
    await waitFor(() => expect(screen.getAllByTestId('user')[0]!.dataset.disabled).toBe('false'));
    expect(written.updated).toEqual([{ id: LI.id, disabled: false }]);
    const enabled = screen.getAllByTestId('user')[0]!;
    expect(enabled).toHaveTextContent('正常');
    expect(within(enabled).queryByRole('button', { name: '启用' })).toBeNull();
    expect(within(enabled).getByRole('button', { name: '停用' })).toBeInTheDocument();
  });

  it('shows the server’s refusal of an account in the screen’s language', async () => {
    answerAccess({ refuseUser: true });
    openConsole('/console/access', { credential: storedSession(1), permissions: ADMIN });
    fireEvent.click(await screen.findByRole('button', { name: '新建账号' }));
    const editor = screen.getByTestId('user-editor');
    fireEvent.input(within(editor).getByLabelText('邮箱'), { target: { value: 'li.na@example.cn' } });
    fireEvent.input(within(editor).getByLabelText('姓名'), { target: { value: '李娜' } });
    fireEvent.input(within(editor).getByLabelText('初始密码'), { target: { value: 'correct horse battery' } });
    fireEvent.click(within(editor).getByRole('button', { name: '创建账号' }));
    await expectAlertFollowsToggle(/^保存失败：该邮箱已有账号$/, /^Not saved: a user with this email already exists$/);
  });

  it('says a viewer without MANAGE cannot manage keys, and asks the server nothing', async () => {
    const { reads } = answerAccess();
    openConsole('/console/access', { credential: storedSession(1), permissions: READ_ONLY });
    expect(await screen.findByTestId('access-need-manage')).toHaveTextContent('管理 API 密钥需要管理权限');
    expect(reads).toEqual({ keys: 0, users: 0 });
  });

  it('puts a refused role change back on the role stored, and says why', async () => {
    answerAccess();
    server.use(
      api.mutation('ConsoleUpdateUser', () =>
        HttpResponse.json({ data: { updateUser: { user: null, userErrors: [{ field: ['input', 'role'], code: 'CONFLICT', message: 'the last admin cannot be demoted', messageZh: '不能降级最后一个管理员' }] } } }),
      ),
    );
    openConsole('/console/access', { credential: storedSession(1), permissions: ADMIN });
    const select = await screen.findByLabelText<HTMLSelectElement>('李娜 的角色');
    fireEvent.change(select, { target: { value: 'ADMIN' } });
    expect(await screen.findByRole('alert')).toHaveTextContent('保存失败：不能降级最后一个管理员');
    expect(select).toHaveValue('OPERATOR');
  });

  it('changes an account’s shops and resets its password, sending only what changed', async () => {
    const { written } = answerAccess();
    openConsole('/console/access', { credential: storedSession(1), permissions: ADMIN });
    await waitFor(() => expect(screen.getAllByTestId('user')).toHaveLength(1));
    fireEvent.click(within(screen.getAllByTestId('user')[0]!).getByRole('button', { name: '修改店铺或密码' }));
    const editor = screen.getByTestId('account-editor');
    // Nothing changed: nothing sent.
    fireEvent.click(within(editor).getByRole('button', { name: '保存修改' }));
    await waitFor(() => expect(screen.queryByTestId('account-editor')).toBeNull());
    expect(written.updated).toEqual([]);

    fireEvent.click(within(screen.getAllByTestId('user')[0]!).getByRole('button', { name: '修改店铺或密码' }));
    const again = screen.getByTestId('account-editor');
    fireEvent.input(within(again).getByLabelText('新密码（重置后旧密码失效）'), { target: { value: 'short' } });
    fireEvent.click(within(again).getByRole('button', { name: '保存修改' }));
    expect(await within(again).findByRole('alert')).toHaveTextContent('密码至少 12 个字符');
    fireEvent.input(within(again).getByLabelText('新密码（重置后旧密码失效）'), { target: { value: 'a much longer passphrase' } });
    fireEvent.click(within(again).getByLabelText('全部店铺'));
    fireEvent.click(within(again).getByRole('button', { name: '保存修改' }));
    await waitFor(() => expect(written.updated).toEqual([{ id: LI.id, password: 'a much longer passphrase', shopIds: null }]));
  });
});
