import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import type { UserErrorShape } from '../../errors.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { asPayload, payloadType, UserErrorRef } from '../../graphql/user-error.js';
import { ShopRef } from '../shop/shop.schema.js';
import {
  attemptsOfDeliveries,
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  loadDeliveries,
  loadWebhooks,
  redeliverWebhookDelivery,
  sendTestMessage,
  updateWebhook,
  webhooksReceiving,
  type WebhookServiceOptions,
} from './webhook.service.js';
import {
  DELIVERY_STATUSES,
  WEBHOOK_EVENTS,
  WEBHOOK_FORMATS,
  type WebhookAttemptRow,
  type WebhookDeliveryRow,
  type WebhookRow,
} from './webhook.table.js';
import { redactUrl } from '../../lib/redact-url.js';
import { HELD_UNTIL } from './webhook.outbox.js';

const WebhookFormatEnum = builder.enumType('WebhookFormat', {
  description: 'JSON: signed POST per the API contract. DINGTALK, WECOM, FEISHU: the group robots’ own message formats and signing.',
  values: WEBHOOK_FORMATS,
});
const WebhookEventEnum = builder.enumType('WebhookEvent', { values: WEBHOOK_EVENTS });
const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  description: 'PENDING: not yet delivered (being retried, or waiting for a paused endpoint). FAILED: given up after the retry period, or the webhook was deleted.',
  values: DELIVERY_STATUSES,
});

const serviceOptions = (ctx: Context): WebhookServiceOptions => ({
  now: ctx.now(),
  allowPrivateUrls: ctx.webhookAllowPrivateUrls,
  wake: ctx.wakeWebhooks,
  publishAlerts: ctx.announceAlerts,
});

// What one try answered: a delivery's logged attempt, or a test message's (not logged).
const WebhookAttemptRef = builder.objectRef<Pick<WebhookAttemptRow, 'attemptedAt' | 'statusCode' | 'error' | 'durationMs'>>('WebhookAttempt').implement({
  description: 'One try at sending a delivery: what the receiver answered, or why it could not be reached.',
  fields: (t) => ({
    attemptedAt: t.expose('attemptedAt', { type: 'DateTime' }),
    statusCode: t.exposeInt('statusCode', { nullable: true, description: 'The HTTP status; null when no answer came (timeout, refused, DNS).' }),
    error: t.exposeString('error', { nullable: true, description: 'Null when delivered; a robot answering 200 with an error code counts as an error.' }),
    durationMs: t.exposeInt('durationMs'),
  }),
});

export const WebhookDeliveryRef = builder.loadableNode('WebhookDelivery', {
  description: 'One event for one webhook. Its id is the `id` of the JSON body and the PeakOps-Webhook-Id header, the same on every retry.',
  id: uuidNodeId<WebhookDeliveryRow>(),
  authScopes: { manage: true },
  load: (ids: string[], ctx) => loadDeliveries(ctx.db, ctx.viewer, ids),
  sort: (delivery) => delivery.id,
  fields: (t) => ({
    event: t.expose('event', { type: WebhookEventEnum }),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum }),
    attemptCount: t.exposeInt('attempts', { description: 'Attempts so far.' }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it is tried next (PENDING only); null while its webhook is paused (it is sent once resumed).',
      resolve: (d) => (d.status === 'PENDING' && d.nextAttemptAt < HELD_UNTIL ? d.nextAttemptAt : null),
    }),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the event happened.' }),
    attempts: t.loadableList({
      type: WebhookAttemptRef,
      description: 'The delivery log, oldest attempt first.',
      load: (ids: string[], ctx) => attemptsOfDeliveries(ctx.db, ids),
      resolve: (d) => d.id,
    }),
  }),
});

export const WebhookRef = builder.loadableNode('Webhook', {
  description: 'Where alert events are sent: a partner’s endpoint or an IM group robot. Its secret is never shown again after creation.',
  id: uuidNodeId<WebhookRow>(),
  authScopes: { manage: true },
  load: (ids: string[], ctx) => loadWebhooks(ctx.db, ctx.viewer, ids),
  sort: (webhook) => webhook.id,
  fields: (t) => ({
    name: t.exposeString('name'),
    url: t.string({
      description: 'The URL with its credentials masked (access_token=***, key=***, token-like path segments).',
      resolve: (w) => redactUrl(w.url),
    }),
    format: t.expose('format', { type: WebhookFormatEnum }),
    events: t.field({ type: [WebhookEventEnum], resolve: (w) => w.events }),
    shops: t.field({ type: [ShopRef], nullable: true, description: 'The shops it covers; null means every shop.', resolve: (w) => w.shopIds }),
    signed: t.boolean({ description: 'Requests carry a signature (JSON always; DingTalk and Feishu when given the robot’s 加签 secret).', resolve: (w) => w.secret !== null }),
    pausedAt: t.expose('pausedAt', { type: 'DateTime', nullable: true, description: 'Set after a long run of failures; deliveries wait until updateWebhook(resume: true).' }),
    receiving: t.loadable({
      type: 'Boolean',
      description:
        'False once its creator may no longer read what it covers (the key revoked or expired, the user disabled, shops taken away) or it was deleted: no delivery is written for later events, and pending ones are not sent (FAILED). A paused webhook still receives: its deliveries wait for the resume.',
      load: (ids: string[], ctx) => webhooksReceiving(ctx.db, ids, ctx.now()),
      resolve: (w) => w.id,
    }),
    consecutiveFailures: t.exposeInt('consecutiveFailures'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    deliveries: t.connection(
      {
        type: WebhookDeliveryRef,
        description: 'Its deliveries, newest first.',
        args: { status: t.arg({ type: WebhookDeliveryStatusEnum }) },
        resolve: (w, { status, ...args }, ctx) => listDeliveries(ctx.db, w.id, status, args),
      },
      { name: 'WebhookDeliveryConnection' },
      { name: 'WebhookDeliveryEdge' },
    ),
  }),
});

builder.queryField('webhooks', (t) =>
  t.field({
    type: [WebhookRef],
    // MANAGE alone is enough, as for apiKeys: a key that manages webhooks need not read the figures.
    skipTypeScopes: true,
    authScopes: { manage: true },
    description: 'Webhooks the caller may manage (ADMIN: all; others: those they created, within their shops), newest first.',
    resolve: (_root, _args, ctx) => listWebhooks(ctx.db, ctx.viewer),
  }),
);

const CreateWebhookInput = builder.inputType('CreateWebhookInput', {
  fields: (t) => ({
    name: t.string({ description: 'Defaults to the format and host.' }),
    url: t.string({
      required: true,
      description: 'https:// or http://; private and loopback addresses are refused unless the server allows them. Robots: the robot’s webhook URL.',
    }),
    events: t.field({ type: [WebhookEventEnum], required: true }),
    format: t.field({ type: WebhookFormatEnum, required: true }),
    shopIds: t.globalIDList({ for: ShopRef, description: 'The shops whose alerts it receives; omit for all of yours.' }),
    secret: t.string({ description: 'DINGTALK / FEISHU: the robot’s 加签 / 签名校验 secret (optional). Not for JSON (PeakOps generates one) nor WECOM.' }),
  }),
});

const CreateWebhookPayload = builder.objectRef<{ result: { webhook: WebhookRow; secret: string | null } | null; userErrors: UserErrorShape[] }>('CreateWebhookPayload');
builder.objectType(CreateWebhookPayload, {
  fields: (t) => ({
    webhook: t.field({ type: WebhookRef, nullable: true, resolve: (p) => p.result?.webhook ?? null }),
    secret: t.string({
      nullable: true,
      description: 'JSON only: the signing secret (whsec_…), shown this once. Verify PeakOps-Signature with it.',
      resolve: (p) => p.result?.secret ?? null,
    }),
    userErrors: t.field({ type: [UserErrorRef], resolve: (p) => p.userErrors }),
  }),
});

const UpdateWebhookInput = builder.inputType('UpdateWebhookInput', {
  fields: (t) => ({
    id: t.globalID({ for: WebhookRef, required: true }),
    name: t.string(),
    url: t.string(),
    events: t.field({ type: [WebhookEventEnum] }),
    shopIds: t.globalIDList({ for: ShopRef, description: 'Replaces the shops it covers (within yours).' }),
    secret: t.string({ description: 'DINGTALK / FEISHU: a new 加签 secret.' }),
    resume: t.boolean({ description: 'Un-pause: the deliveries that waited are sent at once.' }),
  }),
});

const ByIdInput = (name: string, ref: typeof WebhookRef | typeof WebhookDeliveryRef) =>
  builder.inputType(name, { fields: (t) => ({ id: t.globalID({ for: ref, required: true }) }) });

builder.mutationFields((t) => ({
  createWebhook: t.field({
    type: CreateWebhookPayload,
    // MANAGE (the mutation type's) and READ: what it sends are alerts with their figures, which only READ shows.
    authScopes: { read: true },
    description: 'A webhook no broader than the caller: only shops they see; over every shop only for callers over every shop. Needs READ as well as MANAGE; it receives only while its creator may still read what it covers.',
    args: { input: t.arg({ type: CreateWebhookInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => createWebhook(ctx.db, ctx.viewer, { ...input, shopIds: input.shopIds?.map((g) => g.id) ?? null }, serviceOptions(ctx))),
  }),
  updateWebhook: t.field({
    type: payloadType('UpdateWebhookPayload', 'webhook', WebhookRef),
    authScopes: { read: true },
    args: { input: t.arg({ type: UpdateWebhookInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => updateWebhook(ctx.db, ctx.viewer, { ...input, id: input.id.id, shopIds: input.shopIds?.map((g) => g.id) ?? null }, serviceOptions(ctx))),
  }),
  deleteWebhook: t.field({
    type: payloadType('DeleteWebhookPayload', 'webhook', WebhookRef),
    description: 'Stops it: nothing more is sent, pending deliveries become FAILED; the delivery log stays.',
    args: { input: t.arg({ type: ByIdInput('DeleteWebhookInput', WebhookRef), required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => deleteWebhook(ctx.db, ctx.viewer, input.id.id, ctx.now())),
  }),
  redeliverWebhookDelivery: t.field({
    type: payloadType('RedeliverWebhookDeliveryPayload', 'delivery', WebhookDeliveryRef),
    description: 'Sends a FAILED delivery again, under the same id.',
    args: { input: t.arg({ type: ByIdInput('RedeliverWebhookDeliveryInput', WebhookDeliveryRef), required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => redeliverWebhookDelivery(ctx.db, ctx.viewer, input.id.id, serviceOptions(ctx))),
  }),
  testWebhook: t.field({
    type: payloadType('TestWebhookPayload', 'attempt', WebhookAttemptRef),
    // As updateWebhook: what it sends names the webhook's shops.
    authScopes: { read: true },
    description:
      'Sends one test message now (JSON: type WEBHOOK_TEST, signed; robots: 【测试】PeakOps 预警推送) and answers what the endpoint said: error null when it took it, else why not (a robot’s keyword or 加签 refusal included). Not queued, not retried, not in the delivery log; a paused webhook may be tested before it is resumed.',
    args: { input: t.arg({ type: ByIdInput('TestWebhookInput', WebhookRef), required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => sendTestMessage(ctx.db, ctx.viewer, input.id.id, ctx.now(), ctx.webhookSender)),
  }),
}));
