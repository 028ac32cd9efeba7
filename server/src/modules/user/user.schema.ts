import { builder } from '../../builder.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { asPayload, payloadType, UserErrorRef, type Payload } from '../../graphql/user-error.js';
import { ShopRef } from '../shop/shop.schema.js';
import { createUser, disableUser, listUsers, loadUsers, refreshSession, signIn, signOut, updateUser, type SessionTokens } from './user.service.js';
import { ROLES, type UserRow } from './user.table.js';

export const RoleEnum = builder.enumType('Role', {
  description: 'ADMIN: everything, users and keys included. OPERATOR: read and manage their shops. VIEWER: read only.',
  values: ROLES,
});

export const UserRef = builder.loadableNode('User', {
  description: 'A member of staff who signs in with email and password. The password is never readable.',
  id: uuidNodeId<UserRow>(),
  // Through node(id): ADMIN sees everyone, anyone else only themself (a session's own user).
  load: (ids: string[], ctx) => loadUsers(ctx.db, ctx.viewer, ids),
  sort: (user) => user.id,
  fields: (t) => ({
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    role: t.expose('role', { type: RoleEnum }),
    shopIds: t.field({
      type: [ShopRef],
      nullable: true,
      description: 'The shops this person is limited to; null means every shop.',
      resolve: (user) => user.shopIds,
    }),
    disabled: t.boolean({ resolve: (user) => user.disabledAt !== null }),
    lockedUntil: t.expose('lockedUntil', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('users', (t) =>
  t.field({ type: [UserRef], authScopes: { admin: true }, description: 'Every staff account (ADMIN only).', resolve: (_root, _args, ctx) => listUsers(ctx.db) }),
);

const SignInInput = builder.inputType('SignInInput', {
  fields: (t) => ({ email: t.string({ required: true }), password: t.string({ required: true }) }),
});

const SessionRef = builder.objectRef<SessionTokens>('Session').implement({
  description: 'A staff session: send `accessToken` as `Authorization: Bearer …`; swap `refreshToken` before `expiresAt`.',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the access token stops working (15 minutes by default).' }),
    refreshToken: t.exposeString('refreshToken', { description: 'Single use: each refresh returns a new one. Presenting a used one ends the session.' }),
    refreshExpiresAt: t.expose('refreshExpiresAt', { type: 'DateTime' }),
    user: t.field({ type: UserRef, resolve: (s) => s.user }),
  }),
});

/** The payload of signIn/refreshSession carries the session's fields at its top level (API.md). */
function sessionPayload(name: string) {
  return builder.objectRef<Payload<SessionTokens>>(name).implement({
    fields: (t) => ({
      session: t.field({ type: SessionRef, nullable: true, resolve: (p) => p.result }),
      accessToken: t.string({ nullable: true, resolve: (p) => p.result?.accessToken ?? null }),
      expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.result?.expiresAt ?? null }),
      refreshToken: t.string({ nullable: true, resolve: (p) => p.result?.refreshToken ?? null }),
      userErrors: t.field({ type: [UserErrorRef], resolve: (p) => p.userErrors }),
    }),
  });
}

const RefreshSessionInput = builder.inputType('RefreshSessionInput', {
  fields: (t) => ({ refreshToken: t.string({ required: true }) }),
});

builder.mutationFields((t) => ({
  signIn: t.field({
    type: sessionPayload('SignInPayload'),
    skipTypeScopes: true,
    description: 'Email and password → a 15-minute access token and a refresh token. Failures slow down, then lock the account for 15 minutes.',
    args: { input: t.arg({ type: SignInInput, required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => signIn(ctx.db, ctx.signer, input, { now: ctx.now(), sourceAddress: ctx.sourceAddress })),
  }),
  refreshSession: t.field({
    type: sessionPayload('RefreshSessionPayload'),
    skipTypeScopes: true,
    description: 'Swaps a refresh token for a new access token and a new refresh token.',
    args: { input: t.arg({ type: RefreshSessionInput, required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => refreshSession(ctx.db, ctx.signer, input, { now: ctx.now(), announce: ctx.announceRevoked })),
  }),
  signOut: t.field({
    type: payloadType('SignOutPayload', 'signedOut', builder.objectRef<boolean>('SignedOut').implement({ fields: (f) => ({ ok: f.boolean({ resolve: (v) => v }) }) })),
    skipTypeScopes: true,
    authScopes: { authenticated: true },
    description: "Ends the caller's session: its refresh token stops working and its sockets close, on every instance.",
    resolve: (_root, _args, ctx) => asPayload(() => signOut(ctx.db, ctx.viewer, ctx.announceRevoked, ctx.now())),
  }),
}));

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    name: t.string({ required: true }),
    role: t.field({ type: RoleEnum, required: true }),
    password: t.string({ required: true, description: 'At least 12 characters.' }),
    shopIds: t.globalIDList({ for: ShopRef, description: 'Limit to these shops; omit for every shop.' }),
  }),
});
const UpdateUserInput = builder.inputType('UpdateUserInput', {
  fields: (t) => ({
    id: t.globalID({ for: UserRef, required: true }),
    name: t.string(),
    role: t.field({ type: RoleEnum }),
    password: t.string(),
    shopIds: t.globalIDList({ for: ShopRef, description: 'Limit to these shops; null for every shop; omit to keep.' }),
    disabled: t.boolean({
      description:
        'false enables a disabled account again: its old sessions stay ended (the person signs in again) and the API keys it minted are revoked. true disables it, as disableUser does. Omit to keep.',
    }),
  }),
});
const DisableUserInput = builder.inputType('DisableUserInput', { fields: (t) => ({ id: t.globalID({ for: UserRef, required: true }) }) });

const ids = (list: { id: string }[] | null | undefined) => (list === undefined ? undefined : list === null ? null : list.map((g) => g.id));

builder.mutationFields((t) => ({
  createUser: t.field({
    type: payloadType('CreateUserPayload', 'user', UserRef),
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => createUser(ctx.db, { ...input, shopIds: ids(input.shopIds) })),
  }),
  updateUser: t.field({
    type: payloadType('UpdateUserPayload', 'user', UserRef),
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateUserInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => updateUser(ctx.db, { ...input, id: input.id.id, shopIds: ids(input.shopIds) }, ctx.announceRevoked, ctx.now())),
  }),
  disableUser: t.field({
    type: payloadType('DisableUserPayload', 'user', UserRef),
    authScopes: { admin: true },
    description: 'Disables the account and ends all its sessions at once.',
    args: { input: t.arg({ type: DisableUserInput, required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => disableUser(ctx.db, input.id.id, ctx.announceRevoked, ctx.now())),
  }),
}));
