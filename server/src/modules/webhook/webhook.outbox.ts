import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { rows } from '../../db/rows.js';
import { stillReads } from '../../auth/standing-grant.js';
import type { WebhookEventInput } from './webhook.events.js';

/**
 * The next attempt of a paused webhook's deliveries: after every due one, so the dispatcher's claim, which
 * walks the due index from the oldest, never reads them. Left at their due times, a receiver paused on
 * Double 11 and never resumed made every claim of every instance read its whole backlog first.
 * Resuming makes them due at once.
 */
export const HELD_UNTIL = new Date('9999-12-31T00:00:00Z');

/**
 * Writes one delivery per webhook that wants the event, in the caller's transaction: the alert and
 * its deliveries commit together or not at all, so no crash can lose one or announce an alert that
 * was rolled back. Paused webhooks get theirs too, held (HELD_UNTIL) until the endpoint resumes; deleted ones do not.
 * A webhook wants the event when it subscribes to its type and covers all of its shops (a webhook over
 * every shop takes everything; an event about no single shop goes only to those) and its creator may
 * still read what it covers (auth/standing-grant.ts: not for a revoked key's webhooks). One statement
 * whatever the number of webhooks. Returns how many deliveries were written; call the dispatcher's
 * `wake()` after commit to send them at once rather than at its next poll.
 */
export async function enqueueWebhookEvent(tx: DbOrTx, event: WebhookEventInput): Promise<number> {
  const shopIds = [...new Set(event.shopIds ?? [])];
  const at = event.occurredAt.toISOString();
  const inserted = await rows<{ id: string }>(
    tx,
    sql`insert into webhook_deliveries (webhook_id, event, data, next_attempt_at, created_at, updated_at)
        select w.id, ${event.type}::webhook_event, ${JSON.stringify(event.data)}::jsonb,
          case when w.paused_at is null then ${at}::timestamptz else ${HELD_UNTIL.toISOString()}::timestamptz end, ${at}::timestamptz, ${at}::timestamptz
        from webhooks w
        where w.deleted_at is null
          and ${event.type}::webhook_event = any(w.events)
          and (w.shop_ids is null or (cardinality(${sql.param(shopIds)}::uuid[]) > 0 and ${sql.param(shopIds)}::uuid[] <@ w.shop_ids))
          and ${stillReads(sql`w.created_by`, sql`w.shop_ids`, at)}
        returning id`,
  );
  return inserted.length;
}
