import type { Viewer } from '../../auth/viewer.js';
import { builder } from '../../builder.js';
import { ApiKeyScopeEnum } from '../api-key/api-key.schema.js';
import { ShopRef } from '../shop/shop.schema.js';
import { RoleEnum } from './user.schema.js';

const PrincipalKindEnum = builder.enumType('PrincipalKind', {
  description: 'USER: staff signed in with a password. API_KEY: a partner, pipeline or screen key. ADMIN_KEY: PEAKOPS_ADMIN_KEY.',
  values: ['USER', 'API_KEY', 'ADMIN_KEY'] as const,
});

const PermissionEnum = builder.enumType('Permission', { values: ['READ', 'INGEST', 'MANAGE', 'ADMIN'] as const });

const ViewerRef = builder.objectRef<Viewer>('Viewer').implement({
  description: 'Who is calling: what kind of credential, which shops and what it may do.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'user:<id>, key:<id> or admin-key — the principal recorded in the audit trail.' }),
    kind: t.field({ type: PrincipalKindEnum, resolve: (v) => v.kind as 'USER' | 'API_KEY' | 'ADMIN_KEY' }),
    name: t.exposeString('displayName'),
    role: t.field({ type: RoleEnum, nullable: true, resolve: (v) => v.role ?? null }),
    scopes: t.field({ type: [ApiKeyScopeEnum], nullable: true, resolve: (v) => (v.scopes ? [...v.scopes] : null) }),
    permissions: t.field({ type: [PermissionEnum], resolve: (v) => [...v.permissions] }),
    allShops: t.boolean({ resolve: (v) => v.shops === 'ALL' }),
    shops: t.field({
      type: [ShopRef],
      nullable: true,
      description: 'The shops granted; null means every shop.',
      resolve: (v) => (v.shops === 'ALL' ? null : [...v.shops]),
    }),
    keyPrefix: t.exposeString('keyPrefix', { nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'When this credential stops working.' }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    skipTypeScopes: true,
    authScopes: { authenticated: true },
    description: 'Who is calling.',
    resolve: (_root, _args, ctx) => ctx.viewer,
  }),
);
