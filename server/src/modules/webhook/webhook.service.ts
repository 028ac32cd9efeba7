import { randomBytes, randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { and, asc, count, desc, eq, getTableColumns, inArray, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { allShopsVisible, coversShops, shopsOf, type Viewer } from '../../auth/viewer.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { lockCreatesOf } from '../../db/creator-lock.js';
import { stillReads } from '../../auth/standing-grant.js';
import { paginate, type ConnectionArgs } from '../../db/paginate.js';
import { DomainError, InputErrors, notFound, type UserErrorShape } from '../../errors.js';
import { groupByKeys } from '../../lib/group.js';
import { said } from '../../lib/issue-words.js';
import { parseInput, text } from '../../lib/validate.js';
import type { AlertEvent } from '../alert/alert.lifecycle.js';
import { resolveAlertByKey, type AnnounceAlerts } from '../alert/alert.service.js';
import { shops } from '../shop/shop.table.js';
import {
  WEBHOOK_EVENTS,
  WEBHOOK_FORMATS,
  webhookAttempts,
  webhookDeliveries,
  webhooks,
  type DeliveryStatus,
  type WebhookAttemptRow,
  type WebhookDeliveryRow,
  type WebhookFormat,
  type WebhookRow,
} from './webhook.table.js';
import { checkWebhookUrl, type Resolve } from './webhook.url.js';
import { HELD_UNTIL } from './webhook.outbox.js';
import type { AttemptOutcome } from './webhook.delivery.js';
import { renderTestRequest, type TestToRender } from './webhook.formats.js';
import type { WebhookSender } from './webhook.sender.js';

/** What the service needs besides the caller: the clock, the URL policy and a way to send at once. */
export interface WebhookServiceOptions {
  now: Date;
  allowPrivateUrls: boolean;
  /** Tells the dispatcher that deliveries became due (after the change committed). */
  wake?: () => void;
  /** Publishes alert changes made in the same transaction (after it committed). */
  publishAlerts?: AnnounceAlerts;
  resolve?: Resolve;
}

/**
 * Live webhooks one credential may keep. Every alert is one delivery per matching webhook, all sent by
 * the same few dispatcher slots: without a bound one partner key could make each of its alerts thousands
 * of deliveries and hold back every other tenant's robots. The bootstrap admin key is exempt, as from
 * the other per-credential limits (auth/limits.ts).
 */
export const MAX_WEBHOOKS_PER_CREDENTIAL = 25;

/**
 * Test messages to one webhook at most this often, across instances: DingTalk throttles a robot sent more
 * than 20 messages a minute for ten minutes, and a burst of tests would hold back the real alerts.
 */
export const TEST_SPACING_MS = 10_000;

/** Why a webhook whose creator lost its grant can be neither redelivered to nor tested. */
const NO_LONGER_READS = {
  en: 'the credential that created this webhook can no longer read what it covers; it sends nothing more',
  zh: '创建此 Webhook 的凭证已无权查看它覆盖的店铺，它不再发送任何投递',
};

/** A signing secret for a JSON webhook: `whsec_` + 32 random bytes in base64url, shown once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Robots that sign (加签) with their own secret; WeCom group robots do not sign at all. */
const ROBOT_SIGNS: Record<WebhookFormat, 'OURS' | 'THEIRS' | 'NONE'> = { JSON: 'OURS', DINGTALK: 'THEIRS', FEISHU: 'THEIRS', WECOM: 'NONE' };

const Events = z.array(z.enum(WEBHOOK_EVENTS)).min(1, said('subscribe to at least one event', '至少订阅一个事件')).max(WEBHOOK_EVENTS.length * 2);
const ShopIds = z.array(z.string().uuid()).min(1, said('name at least one shop, or omit to mean all of yours', '至少指定一个店铺；不填则表示你的全部店铺')).max(1000);
const RobotSecret = z.string().trim().min(1, said('must not be empty', '不能为空')).max(200);

const CreateInput = z.object({
  name: text(100).nullish(),
  url: z.string(),
  events: Events,
  format: z.enum(WEBHOOK_FORMATS),
  shopIds: ShopIds.nullish(),
  secret: RobotSecret.nullish(),
});

const UpdateInput = z.object({
  id: z.string(),
  name: text(100).nullish(),
  url: z.string().nullish(),
  events: Events.nullish(),
  shopIds: ShopIds.nullish(),
  secret: RobotSecret.nullish(),
  resume: z.boolean().nullish(),
});

/**
 * Webhooks a caller may see and change: ADMIN every one; anyone else those they created, and only
 * while all of its shops are theirs (a webhook over every shop only for callers over every shop).
 */
function visible(viewer: Viewer, options: { includeDeleted?: boolean } = {}): SQL | undefined {
  return and(
    options.includeDeleted ? undefined : isNull(webhooks.deletedAt),
    viewer.permissions.has('ADMIN') ? undefined : eq(webhooks.createdBy, viewer.id),
    viewer.shops === 'ALL' ? undefined : and(isNotNull(webhooks.shopIds), allShopsVisible(viewer, webhooks.shopIds)),
  );
}

function secretProblem(format: WebhookFormat, secret: string | null | undefined): UserErrorShape | null {
  if (!secret) return null;
  if (ROBOT_SIGNS[format] === 'OURS') {
    return {
      field: ['input', 'secret'],
      message: 'JSON webhooks are signed with a secret PeakOps generates and shows once; omit secret',
      messageZh: 'JSON Webhook 使用 PeakOps 生成并只显示一次的密钥签名；请不要填写 secret',
      code: 'INVALID_INPUT',
    };
  }
  if (ROBOT_SIGNS[format] === 'NONE') {
    return { field: ['input', 'secret'], message: 'WeCom group robots have no signing secret; omit secret', messageZh: '企业微信群机器人没有加签密钥；请不要填写 secret', code: 'INVALID_INPUT' };
  }
  return null;
}

/** The shops a webhook will cover: those named (all visible to the caller and existing), else all of the caller's. */
async function coveredShops(db: DbOrTx, viewer: Viewer, shopIds: readonly string[] | null | undefined): Promise<string[] | null> {
  if (!shopIds) {
    if (viewer.shops === 'ALL') return null;
    if (viewer.shops.size === 0) throw new DomainError('FORBIDDEN', { en: 'your credential covers no shop', zh: '你的凭证没有覆盖任何店铺' }, ['input', 'shopIds']);
    return [...viewer.shops];
  }
  const unique = [...new Set(shopIds)];
  if (!coversShops(viewer.shops, shopsOf(unique))) {
    throw new DomainError('FORBIDDEN', { en: 'a webhook can cover only shops you can see yourself', zh: 'Webhook 只能覆盖你自己能看到的店铺' }, ['input', 'shopIds']);
  }
  const found = await db.select({ id: shops.id }).from(shops).where(inArray(shops.id, unique));
  if (found.length !== unique.length) throw notFound('Shop', ['input', 'shopIds']);
  return unique;
}

async function urlProblem(url: string, options: WebhookServiceOptions): Promise<UserErrorShape | null> {
  const problem = await checkWebhookUrl(url, { allowPrivate: options.allowPrivateUrls, resolve: options.resolve });
  return problem ? { field: ['input', 'url'], message: problem.message, messageZh: problem.messageZh, code: 'INVALID_INPUT' } : null;
}

function defaultName(format: WebhookFormat, url: string): string {
  return `${format} → ${new URL(url).host}`;
}

/** Only a JSON webhook gets a secret back, once: a robot's 加签 secret is the caller's own already. */
export async function createWebhook(db: Db, viewer: Viewer, input: unknown, options: WebhookServiceOptions): Promise<{ webhook: WebhookRow; secret: string | null }> {
  const data = parseInput(CreateInput, input);
  const problems = [secretProblem(data.format, data.secret), await urlProblem(data.url, options)].filter((p): p is UserErrorShape => p !== null);
  if (problems.length > 0) throw new InputErrors(problems);
  const shopIds = await coveredShops(db, viewer, data.shopIds);
  const secret = ROBOT_SIGNS[data.format] === 'OURS' ? newWebhookSecret() : (data.secret ?? null);
  const webhook = await db.transaction(async (tx) => {
    if (viewer.kind !== 'ADMIN_KEY') await assertRoomForWebhook(tx, viewer);
    const [row] = await tx
      .insert(webhooks)
      .values({
        name: data.name ?? defaultName(data.format, data.url),
        url: data.url,
        format: data.format,
        events: [...new Set(data.events)],
        shopIds,
        secret,
        createdBy: viewer.id,
        createdAt: options.now,
        updatedAt: options.now,
      })
      .returning();
    return row!;
  });
  return { webhook, secret: data.format === 'JSON' ? secret : null };
}

async function assertRoomForWebhook(tx: DbOrTx, viewer: Viewer): Promise<void> {
  await lockCreatesOf(tx, 'webhooks', viewer.id);
  const [kept] = await tx.select({ n: count() }).from(webhooks).where(and(eq(webhooks.createdBy, viewer.id), isNull(webhooks.deletedAt)));
  if ((kept?.n ?? 0) >= MAX_WEBHOOKS_PER_CREDENTIAL) {
    throw new DomainError(
      'CONFLICT',
      {
        en: `a credential keeps at most ${MAX_WEBHOOKS_PER_CREDENTIAL} webhooks; delete one it no longer needs first`,
        zh: `每个凭证最多保留 ${MAX_WEBHOOKS_PER_CREDENTIAL} 个 Webhook；请先删除一个不再需要的`,
      },
      null,
    );
  }
}

async function visibleWebhook(db: DbOrTx, viewer: Viewer, id: string): Promise<WebhookRow> {
  const [webhook] = await db.select().from(webhooks).where(and(eq(webhooks.id, id), visible(viewer)));
  if (!webhook) throw notFound('Webhook', ['input', 'id']);
  return webhook;
}

/** Resuming a paused endpoint sends what waited for it at once (their back-off is forgiven). */
export async function updateWebhook(db: Db, viewer: Viewer, input: unknown, options: WebhookServiceOptions): Promise<WebhookRow> {
  const data = parseInput(UpdateInput, input);
  const current = await visibleWebhook(db, viewer, data.id);
  const problems = [secretProblem(current.format, data.secret), data.url != null ? await urlProblem(data.url, options) : null].filter(
    (p): p is UserErrorShape => p !== null,
  );
  if (problems.length > 0) throw new InputErrors(problems);
  const shopIds = data.shopIds ? await coveredShops(db, viewer, data.shopIds) : undefined;
  const resume = data.resume === true && current.pausedAt !== null;
  const updated = await db.transaction(async (tx) => {
    const [changed] = await tx
      .update(webhooks)
      .set({
        ...(data.name ? { name: data.name } : {}),
        ...(data.url != null ? { url: data.url } : {}),
        ...(data.events ? { events: [...new Set(data.events)] } : {}),
        ...(shopIds ? { shopIds } : {}),
        ...(data.secret ? { secret: data.secret } : {}),
        ...(resume ? { pausedAt: null, consecutiveFailures: 0 } : {}),
        updatedAt: options.now,
      })
      .where(and(eq(webhooks.id, current.id), isNull(webhooks.deletedAt)))
      // RETURNING sees the new shops: whether the creator can read them comes back with the row.
      .returning({ ...getTableColumns(webhooks), creatorReads: creatorStillReads(options.now) });
    if (!changed) throw notFound('Webhook', ['input', 'id']);
    const { creatorReads, ...row } = changed;
    // An ADMIN may give another creator's webhook any shops: not ones its creator cannot read, where it
    // would receive nothing (auth/standing-grant.ts); the transaction undoes the change.
    if (shopIds && !creatorReads) {
      throw new DomainError(
        'FORBIDDEN',
        { en: 'the credential that created this webhook cannot read these shops: it would receive nothing', zh: '创建此 Webhook 的凭证无权查看这些店铺：它将收不到任何事件' },
        ['input', 'shopIds'],
      );
    }
    let resolved: AlertEvent | null = null;
    if (resume) {
      await tx
        .update(webhookDeliveries)
        .set({ nextAttemptAt: options.now, updatedAt: options.now })
        .where(and(eq(webhookDeliveries.webhookId, row.id), eq(webhookDeliveries.status, 'PENDING')));
      // The admins' WEBHOOK_PAUSED alert is over once someone resumes the endpoint.
      resolved = await resolveAlertByKey(tx, `WEBHOOK_PAUSED:${row.id}`, options.now);
    }
    return { row, resolved };
  });
  if (updated.resolved) options.publishAlerts?.([updated.resolved]);
  if (resume) options.wake?.();
  return updated.row;
}

/** Soft delete: the row stays for the delivery log; what was still pending is never sent. */
export async function deleteWebhook(db: Db, viewer: Viewer, id: string, now: Date): Promise<WebhookRow> {
  const current = await visibleWebhook(db, viewer, id);
  return db.transaction(async (tx) => {
    const [row] = await tx.update(webhooks).set({ deletedAt: now, updatedAt: now }).where(and(eq(webhooks.id, current.id), isNull(webhooks.deletedAt))).returning();
    if (!row) throw notFound('Webhook', ['input', 'id']);
    await tx
      .update(webhookDeliveries)
      .set({ status: 'FAILED', lastError: 'webhook deleted', lockedUntil: null, updatedAt: now })
      .where(and(eq(webhookDeliveries.webhookId, row.id), eq(webhookDeliveries.status, 'PENDING')));
    return row;
  });
}

export function listWebhooks(db: DbOrTx, viewer: Viewer): Promise<WebhookRow[]> {
  return db.select().from(webhooks).where(visible(viewer)).orderBy(desc(webhooks.createdAt), desc(webhooks.id));
}

export async function loadWebhooks(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<WebhookRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(webhooks).where(and(inArray(webhooks.id, [...ids]), visible(viewer)));
}

/** Whether a webhook row's creator may still read the shops it covers at `now` (auth/standing-grant.ts). */
function creatorStillReads(now: Date): SQL<boolean> {
  return sql<boolean>`${stillReads(sql`${webhooks.createdBy}`, sql`${webhooks.shopIds}`, now.toISOString())}`;
}

/**
 * Per webhook id, in order: whether it receives events at `now` — not deleted, and its creator may still
 * read what it covers (auth/standing-grant.ts). One statement for a whole list.
 */
export async function webhooksReceiving(db: DbOrTx, ids: readonly string[], now: Date): Promise<boolean[]> {
  if (ids.length === 0) return [];
  const found = await db
    .select({ id: webhooks.id, receiving: sql<boolean>`${webhooks.deletedAt} is null and ${creatorStillReads(now)}` })
    .from(webhooks)
    .where(inArray(webhooks.id, [...ids]));
  const byId = new Map(found.map((row) => [row.id, row.receiving === true]));
  return ids.map((id) => byId.get(id) ?? false);
}

/** A webhook's deliveries, newest first (the caller resolved the webhook, so it may see them). */
export function listDeliveries(db: DbOrTx, webhookId: string, status: DeliveryStatus | null | undefined, args: ConnectionArgs) {
  const where = and(eq(webhookDeliveries.webhookId, webhookId), status ? eq(webhookDeliveries.status, status) : undefined);
  return paginate<WebhookDeliveryRow>(
    args,
    { column: webhookDeliveries.createdAt, type: 'timestamptz', direction: 'desc', value: (d) => d.createdAt, idColumn: webhookDeliveries.id, id: (d) => d.id },
    ({ bounds, orderBy, limit }) => db.select().from(webhookDeliveries).where(and(where, bounds)).orderBy(...orderBy).limit(limit),
    async () => (await db.select({ n: count() }).from(webhookDeliveries).where(where))[0]?.n ?? 0,
  );
}

/** Deliveries by id, only those of webhooks the caller may see (deleted webhooks included: the log stays). */
export async function loadDeliveries(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<WebhookDeliveryRow[]> {
  if (ids.length === 0) return [];
  const found = await db
    .select({ delivery: webhookDeliveries })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(and(inArray(webhookDeliveries.id, [...ids]), visible(viewer, { includeDeleted: true })));
  return found.map((r) => r.delivery);
}

/** The attempt log of each delivery, oldest first. */
export async function attemptsOfDeliveries(db: DbOrTx, deliveryIds: readonly string[]): Promise<WebhookAttemptRow[][]> {
  if (deliveryIds.length === 0) return [];
  const found = await db
    .select()
    .from(webhookAttempts)
    .where(inArray(webhookAttempts.deliveryId, [...deliveryIds]))
    .orderBy(asc(webhookAttempts.attemptedAt), asc(webhookAttempts.id));
  return groupByKeys(deliveryIds, found, (a) => a.deliveryId);
}

/**
 * Puts a FAILED delivery back in the queue under the same id (receivers deduplicate on it). It is sent
 * at once; once a delivery is older than the retry period a failed attempt makes it FAILED again.
 */
export async function redeliverWebhookDelivery(db: Db, viewer: Viewer, id: string, options: WebhookServiceOptions): Promise<WebhookDeliveryRow> {
  const [delivery] = await loadDeliveries(db, viewer, [id]);
  if (!delivery) throw notFound('Webhook delivery', ['input', 'id']);
  const row = await db.transaction(async (tx) => {
    // The webhook held (FOR SHARE) until the delivery is back in the queue: a deleteWebhook then waits for
    // this commit and fails the delivery with the other pending ones. Unlocked, a delete committing between
    // the check and the update left it PENDING for a deleted webhook, which nothing ever claims.
    const [webhook] = await tx
      .select({
        deletedAt: webhooks.deletedAt,
        pausedAt: webhooks.pausedAt,
        creatorReads: creatorStillReads(options.now),
      })
      .from(webhooks)
      .where(eq(webhooks.id, delivery.webhookId))
      .for('share');
    if (webhook?.deletedAt) throw new DomainError('CONFLICT', { en: 'the webhook was deleted; its deliveries cannot be sent again', zh: '该 Webhook 已删除，其投递无法重新发送' }, ['input', 'id']);
    // It would only be withheld again when due (claimDueDeliveries).
    if (webhook && !webhook.creatorReads) {
      throw new DomainError('CONFLICT', NO_LONGER_READS, ['input', 'id']);
    }
    if (delivery.status !== 'FAILED') {
      throw new DomainError(
        'CONFLICT',
        { en: `only a FAILED delivery can be redelivered; this one is ${delivery.status}`, zh: `只有 FAILED 状态的投递可以重新投递；这条投递的状态是 ${delivery.status}` },
        ['input', 'id'],
      );
    }
    const [queued] = await tx
      .update(webhookDeliveries)
      // A paused webhook's delivery waits with the others for the resume (HELD_UNTIL).
      .set({ status: 'PENDING', nextAttemptAt: webhook?.pausedAt ? HELD_UNTIL : options.now, lockedUntil: null, updatedAt: options.now })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.status, 'FAILED')))
      .returning();
    if (!queued) throw new DomainError('CONFLICT', { en: 'the delivery changed meanwhile; look again', zh: '这条投递在此期间已有变化，请刷新后再看' }, ['input', 'id']);
    return queued;
  });
  options.wake?.();
  return row;
}

/**
 * Sends one test message to the webhook now, in its format and signed as its deliveries are, and answers
 * what the receiver said (a robot's keyword or 加签 refusal included). Not queued, not retried, not in the
 * delivery log, and outside the run of failures that pauses an endpoint: testing a paused endpoint is how
 * one checks it before resuming. Refused for a webhook that no longer receives, as a redelivery is, and
 * within TEST_SPACING_MS of the last test.
 */
export async function sendTestMessage(db: DbOrTx, viewer: Viewer, id: string, now: Date, sender: WebhookSender): Promise<AttemptOutcome> {
  const webhook = await visibleWebhook(db, viewer, id);
  const [receiving] = await webhooksReceiving(db, [webhook.id], now);
  if (!receiving) throw new DomainError('CONFLICT', NO_LONGER_READS, ['input', 'id']);
  // Claimed in one statement, so two clicks on two instances cannot both pass.
  const [claimed] = await db
    .update(webhooks)
    .set({ lastTestedAt: now })
    .where(and(eq(webhooks.id, webhook.id), or(isNull(webhooks.lastTestedAt), lte(webhooks.lastTestedAt, new Date(now.getTime() - TEST_SPACING_MS)))))
    .returning({ id: webhooks.id });
  if (!claimed) {
    const last = webhook.lastTestedAt?.getTime() ?? now.getTime();
    const seconds = Math.max(1, Math.ceil((last + TEST_SPACING_MS - now.getTime()) / 1000));
    throw new DomainError(
      'LIMIT_REACHED',
      {
        en: `a test message was sent to this webhook less than ${TEST_SPACING_MS / 1000} s ago; try again in ${seconds} s (group robots throttle bursts, which would hold back real alerts)`,
        zh: `${TEST_SPACING_MS / 1000} 秒内已向此 Webhook 发送过测试消息，请 ${seconds} 秒后再试（群机器人会对连发限流，影响真实预警）`,
      },
      ['input', 'id'],
    );
  }
  const shopNames =
    webhook.shopIds === null
      ? null
      : (await db.select({ name: shops.name }).from(shops).where(inArray(shops.id, webhook.shopIds)).orderBy(asc(shops.name))).map((shop) => shop.name);
  const test: TestToRender = {
    id: `test_${randomUUID()}`,
    createdAt: now,
    webhook: { id: encodeGlobalID('Webhook', webhook.id), name: webhook.name, events: webhook.events, shopNames },
    requestedBy: viewer.displayName,
  };
  const endpoint = { url: webhook.url, format: webhook.format, secret: webhook.secret };
  return sender.send(endpoint, (sentAt) => renderTestRequest(test, endpoint, sentAt));
}
