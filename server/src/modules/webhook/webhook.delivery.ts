import { and, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { rows } from '../../db/rows.js';
import { webhookPausedWords } from '../alert/alert.messages.js';
import { raiseAlert } from '../alert/alert.service.js';
import type { AlertRow } from '../alert/alert.table.js';
import { toWebhookAlert, type WebhookAlert } from './webhook.events.js';
import { enqueueWebhookEvent, HELD_UNTIL } from './webhook.outbox.js';
import { nextAttemptAfterFailure, type RetryPolicy } from './webhook.retry.js';
import { webhookAttempts, webhookDeliveries, webhooks, type WebhookEvent, type WebhookFormat, type WebhookRow } from './webhook.table.js';
import { redactUrl } from '../../lib/redact-url.js';
import { stillReads } from '../../auth/standing-grant.js';

/** Why a delivery was not sent: its webhook's creator lost what it takes to read it. */
export const WITHHELD = 'not sent: the credential that created this webhook can no longer read what it covers (key revoked or expired, user disabled, or shops taken away)';

/** A delivery this dispatcher holds the lease of, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  event: WebhookEvent;
  data: { alert: WebhookAlert };
  createdAt: Date;
  attempts: number;
  url: string;
  format: WebhookFormat;
  secret: string | null;
}

interface ClaimedRow {
  id: string;
  webhook_id: string;
  event: WebhookEvent;
  data: { alert: WebhookAlert } | string;
  created_at: Date | string;
  attempts: number;
  url: string;
  format: WebhookFormat;
  secret: string | null;
}

/**
 * Takes up to `limit` due deliveries and leases them until `leaseUntil`. The inner SELECT … FOR UPDATE
 * SKIP LOCKED lets two instances claim at once without taking the same row (each skips what the other
 * locked, and re-checks the lease of a row the other just committed); the lease keeps the row from
 * being claimed again while it is being sent, and its expiry hands it to another instance if this one
 * dies mid-send. Deliveries of paused or deleted webhooks are not due.
 * A due delivery whose webhook's creator may no longer read what it covers (auth/standing-grant.ts: a
 * revoked or expired key, a disabled user, shops taken away) is not sent: it becomes FAILED with
 * WITHHELD, in the same statement, and is never claimed. The grant is checked once per live webhook, not
 * per due delivery, so a claim's cost does not grow with the backlog.
 */
export async function claimDueDeliveries(db: Db, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
  const at = now.toISOString();
  const claimed = await rows<ClaimedRow>(
    db,
    sql`with dead as (
          select owner.id from webhooks owner
          where owner.deleted_at is null and owner.paused_at is null
            and not ${stillReads(sql`owner.created_by`, sql`owner.shop_ids`, at)}
        ), withheld as (
          update webhook_deliveries stale
          set status = 'FAILED', last_error = ${WITHHELD}, locked_until = null, updated_at = ${at}::timestamptz
          where stale.id in (
            select held.id from webhook_deliveries held
            where held.webhook_id in (select id from dead) and held.status = 'PENDING' and held.next_attempt_at <= ${at}::timestamptz
              and (held.locked_until is null or held.locked_until <= ${at}::timestamptz)
            for update skip locked)
        )
        update webhook_deliveries d
        set locked_until = ${leaseUntil.toISOString()}::timestamptz
        from webhooks w
        where w.id = d.webhook_id and d.id in (
          select due.id from webhook_deliveries due join webhooks hook on hook.id = due.webhook_id
          where due.status = 'PENDING' and due.next_attempt_at <= ${at}::timestamptz
            and (due.locked_until is null or due.locked_until <= ${at}::timestamptz)
            and hook.deleted_at is null and hook.paused_at is null
            and hook.id not in (select id from dead)
          order by due.next_attempt_at
          limit ${limit}
          for update of due skip locked)
        returning d.id, d.webhook_id, d.event, d.data, d.created_at, d.attempts, w.url, w.format, w.secret`,
  );
  return claimed.map((row) => ({
    id: row.id,
    webhookId: row.webhook_id,
    event: row.event,
    data: typeof row.data === 'string' ? (JSON.parse(row.data) as { alert: WebhookAlert }) : row.data,
    createdAt: new Date(row.created_at),
    attempts: row.attempts,
    url: row.url,
    format: row.format,
    secret: row.secret,
  }));
}

export interface AttemptOutcome {
  attemptedAt: Date;
  statusCode: number | null;
  /** Null: delivered. */
  error: string | null;
  durationMs: number;
}

export interface RecordedAttempt {
  /** The webhook, when this failure paused it. */
  paused: WebhookRow | null;
  /** The WEBHOOK_PAUSED alert it raised (null when one was open already): publish after commit. */
  alert: AlertRow | null;
}

/**
 * Logs the attempt and moves the delivery on, atomically: DELIVERED (one statement), or — in one
 * transaction — the next attempt after back-off, or FAILED once it has been retried for long enough. A success resets the endpoint's
 * run of failures; a long enough run pauses the endpoint and raises WEBHOOK_PAUSED for the admins.
 */
export async function recordAttempt(
  db: Db,
  delivery: ClaimedDelivery,
  outcome: AttemptOutcome,
  /**
   * countsTowardPause: false for all but the first delivery of one request to a robot (a digest): one
   * refused request is one failure of the endpoint, however many alerts it carried. Default true.
   */
  options: { policy: RetryPolicy; now: Date; random: () => number; countsTowardPause?: boolean },
): Promise<RecordedAttempt> {
  const { now } = options;
  const { error } = outcome;
  if (error === null) {
    await recordSuccess(db, delivery, outcome, now);
    return { paused: null, alert: null };
  }
  return db.transaction(async (tx) => {
    // The webhook's row first, then the delivery's: the order deleteWebhook and updateWebhook write them
    // in. The other order deadlocks with a delete made during the attempt, and PostgreSQL aborts one.
    const [endpoint] = await tx
      .update(webhooks)
      .set({ consecutiveFailures: sql`${webhooks.consecutiveFailures} + ${options.countsTowardPause === false ? 0 : 1}` })
      .where(eq(webhooks.id, delivery.webhookId))
      .returning();
    await tx.insert(webhookAttempts).values({ deliveryId: delivery.id, ...outcome });
    const next = nextAttemptAfterFailure(options.policy, { createdAt: delivery.createdAt, failures: delivery.attempts + 1 }, now, options.random);
    // Only a delivery still pending moves on: one whose webhook was deleted meanwhile stays FAILED.
    await tx
      .update(webhookDeliveries)
      .set({
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        lockedUntil: null,
        updatedAt: now,
        // Sent while its endpoint was paused by another attempt: held with the rest until the resume.
        ...(next ? { nextAttemptAt: endpoint?.pausedAt ? HELD_UNTIL : next } : { status: 'FAILED' as const }),
      })
      .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.status, 'PENDING')));
    if (!endpoint || endpoint.pausedAt || endpoint.deletedAt || endpoint.consecutiveFailures < options.policy.pauseAfterFailures) {
      return { paused: null, alert: null };
    }
    if (now.getTime() - (await failingSince(tx, endpoint)).getTime() < options.policy.pauseAfterFailingMs) return { paused: null, alert: null };
    const [paused] = await tx
      .update(webhooks)
      .set({ pausedAt: now, updatedAt: now })
      .where(and(eq(webhooks.id, endpoint.id), isNull(webhooks.pausedAt)))
      .returning();
    if (!paused) return { paused: null, alert: null };
    await tx
      .update(webhookDeliveries)
      .set({ nextAttemptAt: HELD_UNTIL })
      .where(and(eq(webhookDeliveries.webhookId, paused.id), eq(webhookDeliveries.status, 'PENDING')));
    const alert = await raiseAlert(tx, {
      rule: 'WEBHOOK_PAUSED',
      severity: 'CRITICAL',
      shopId: null,
      campaignId: null,
      subject: `Webhook「${paused.name}」`,
      ...webhookPausedWords({ url: redactUrl(paused.url), failures: paused.consecutiveFailures, error }),
      dedupeKey: `WEBHOOK_PAUSED:${paused.id}`,
      raisedAt: now,
    });
    // Installation-wide: only webhooks over every shop (the operators' own group robots) hear of it.
    if (alert) await enqueueWebhookEvent(tx, { type: 'ALERT_RAISED', shopIds: null, occurredAt: now, data: { alert: toWebhookAlert(alert) } });
    return { paused, alert };
  });
}

/**
 * The common case in one statement (one round trip, atomic without a transaction): log the attempt,
 * mark the delivery DELIVERED — even if its webhook was deleted meanwhile, since it did arrive — and
 * end the endpoint's run of failures, writing the webhook only when there was one. PostgreSQL runs the
 * outer UPDATE before the WITH clauses nobody reads, so the webhook's row is taken before the
 * delivery's, as everywhere else (the race test in webhook.delivery.test.ts covers this path too).
 */
async function recordSuccess(db: Db, delivery: ClaimedDelivery, outcome: AttemptOutcome, now: Date): Promise<void> {
  const at = outcome.attemptedAt.toISOString();
  await db.execute(sql`
    with attempt as (
      insert into webhook_attempts (delivery_id, attempted_at, status_code, error, duration_ms)
      values (${delivery.id}, ${at}::timestamptz, ${outcome.statusCode}, null, ${outcome.durationMs})
    ), delivered as (
      update webhook_deliveries
      set status = 'DELIVERED', attempts = attempts + 1, delivered_at = ${at}::timestamptz, last_status_code = ${outcome.statusCode},
          last_error = null, locked_until = null, updated_at = ${now.toISOString()}::timestamptz
      where id = ${delivery.id}
    )
    update webhooks set consecutive_failures = 0 where id = ${delivery.webhookId} and consecutive_failures <> 0`);
}

/**
 * When the endpoint's current run of failures began: its n-th most recent attempt, n being the run's
 * length. Attempts by their time: the deliveries of one robot message (a digest) share one attempt time
 * and count as one failure.
 */
async function failingSince(tx: Tx, endpoint: WebhookRow): Promise<Date> {
  const [first] = await tx
    .selectDistinct({ at: webhookAttempts.attemptedAt })
    .from(webhookAttempts)
    .innerJoin(webhookDeliveries, eq(webhookDeliveries.id, webhookAttempts.deliveryId))
    .where(eq(webhookDeliveries.webhookId, endpoint.id))
    .orderBy(desc(webhookAttempts.attemptedAt))
    .offset(endpoint.consecutiveFailures - 1)
    .limit(1);
  return first?.at ?? new Date(0);
}

/**
 * Puts claimed deliveries off until `until` without an attempt (a robot at its rate, webhook.pacing.ts):
 * lease given back, nothing counted toward pausing. Deliveries held for a paused webhook stay held.
 */
export async function deferDeliveries(db: Db, deliveryIds: readonly string[], until: Date): Promise<void> {
  if (deliveryIds.length === 0) return;
  await db
    .update(webhookDeliveries)
    .set({ lockedUntil: null, nextAttemptAt: until })
    .where(and(inArray(webhookDeliveries.id, [...deliveryIds]), eq(webhookDeliveries.status, 'PENDING'), ne(webhookDeliveries.nextAttemptAt, HELD_UNTIL)));
}

/** Gives back leases of deliveries claimed but not sent (a stopping dispatcher): due again at once elsewhere. */
export async function releaseLeases(db: Db, deliveryIds: readonly string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await db
    .update(webhookDeliveries)
    .set({ lockedUntil: null })
    .where(and(inArray(webhookDeliveries.id, [...deliveryIds]), eq(webhookDeliveries.status, 'PENDING')));
}
