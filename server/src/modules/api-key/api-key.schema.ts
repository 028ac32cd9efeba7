import { builder } from '../../builder.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import type { UserErrorShape } from '../../errors.js';
import { asPayload, payloadType, UserErrorRef } from '../../graphql/user-error.js';
import { ShopRef } from '../shop/shop.schema.js';
import { createApiKey, listApiKeys, loadApiKeys, MAX_LIVE_API_KEYS_PER_CREATOR, revokeApiKey } from './api-key.service.js';
import { API_KEY_SCOPES, type ApiKeyRow } from './api-key.table.js';

export const ApiKeyScopeEnum = builder.enumType('ApiKeyScope', {
  description: 'READ: queries and subscriptions. INGEST: ingestEvents, recordMarketingSpend and voidMarketingSpend. MANAGE: change operations data of its shops.',
  values: API_KEY_SCOPES,
});

export const ApiKeyRef = builder.loadableNode('ApiKey', {
  description: 'A credential for a partner, an ingest pipeline or a screen. The secret is shown once, at creation; only its prefix is kept readable.',
  id: uuidNodeId<ApiKeyRow>(),
  authScopes: { manage: true },
  load: (ids: string[], ctx) => loadApiKeys(ctx.db, ctx.viewer, ids),
  sort: (key) => key.id,
  fields: (t) => ({
    name: t.exposeString('name'),
    prefix: t.exposeString('prefix', { description: 'The first characters of the secret, e.g. pk_AbCd1234.' }),
    scopes: t.field({ type: [ApiKeyScopeEnum], resolve: (key) => key.scopes }),
    shops: t.field({
      type: [ShopRef],
      nullable: true,
      description: 'The shops the key covers; null means every shop.',
      resolve: (key) => key.shopIds,
    }),
    trustedDocumentsOnly: t.boolean({
      description: "A screen key: it may run only the war room's own operations.",
      resolve: (key) => key.trustedDocumentsOnly === 'TRUSTED_ONLY',
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'Updated at most once a minute.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('apiKeys', (t) =>
  t.field({
    type: [ApiKeyRef],
    // MANAGE alone is enough: a key that manages keys need not also read the shops' figures.
    skipTypeScopes: true,
    authScopes: { manage: true },
    description: 'Keys the caller may manage (ADMIN: all; others: the keys they created), newest first. Secrets are never shown.',
    args: { includeRevoked: t.arg.boolean({ defaultValue: false }) },
    resolve: (_root, { includeRevoked }, ctx) => listApiKeys(ctx.db, ctx.viewer, { includeRevoked: includeRevoked ?? false }),
  }),
);

const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    shopIds: t.globalIDList({ for: ShopRef, description: 'The shops it covers; omit for all of yours.' }),
    scopes: t.field({ type: [ApiKeyScopeEnum], required: true }),
    expiresAt: t.field({ type: 'DateTime' }),
    trustedDocumentsOnly: t.boolean({ description: 'For screens: only the war room’s own operations may run.' }),
  }),
});

const CreateApiKeyPayload = builder.objectRef<{ result: { key: ApiKeyRow; secret: string } | null; userErrors: UserErrorShape[] }>('CreateApiKeyPayload');
builder.objectType(CreateApiKeyPayload, {
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyRef, nullable: true, resolve: (p) => p.result?.key ?? null }),
    secret: t.string({ nullable: true, resolve: (p) => p.result?.secret ?? null, description: 'Shown this once.' }),
    userErrors: t.field({ type: [UserErrorRef], resolve: (p) => p.userErrors }),
  }),
});

const RevokeApiKeyInput = builder.inputType('RevokeApiKeyInput', { fields: (t) => ({ id: t.globalID({ for: ApiKeyRef, required: true }) }) });

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeyPayload,
    description: `A new key no broader than the caller: scopes they hold, shops they see, expiring no later than their own key. A caller keeps at most ${MAX_LIVE_API_KEYS_PER_CREATOR} keys it created and has not revoked (expired ones count until revoked; the bootstrap admin key is exempt); one more is refused with LIMIT_REACHED and nothing is written.`,
    args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => createApiKey(ctx.db, ctx.viewer, { ...input, shopIds: input.shopIds?.map((g) => g.id) ?? null }, ctx.now())),
  }),
  revokeApiKey: t.field({
    type: payloadType('RevokeApiKeyPayload', 'apiKey', ApiKeyRef),
    description: 'Stops the key at once; its open sockets close with 4403 on every instance.',
    args: { input: t.arg({ type: RevokeApiKeyInput, required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => revokeApiKey(ctx.db, ctx.viewer, input.id.id, ctx.announceRevoked, ctx.now())),
  }),
}));
