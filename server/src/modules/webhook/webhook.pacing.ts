import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { rows } from '../../db/rows.js';
import { MINUTE_MS } from '../../lib/time.js';
import type { WebhookFormat } from './webhook.table.js';

/**
 * Messages a group robot is sent per minute at most, a little under what its platform takes before it
 * throttles (DingTalk and WeCom: 20 a minute, and DingTalk then silences the robot for ten minutes; Feishu:
 * 100 a minute): the margin leaves room for a test message (testWebhook), which is spaced on its own.
 */
export const ROBOT_MESSAGES_PER_MINUTE: Record<Exclude<WebhookFormat, 'JSON'>, number> = { DINGTALK: 18, WECOM: 18, FEISHU: 90 };

export interface RobotPacingTuning {
  /** Messages per window for every robot format (tests); default ROBOT_MESSAGES_PER_MINUTE by format. */
  perWindow?: number;
  /** Default one minute. */
  windowMs?: number;
}

/**
 * Takes one message of a group robot's budget at `at`: null when it may be sent now (and is counted),
 * else when its window has room again. What is due past the budget is deferred by the dispatcher (no
 * attempt, no failure counted) and then goes out together as one digest (webhook.digest.ts), instead of
 * being refused and retried while the robot is throttled. A sliding window of send times on the webhook's
 * row, read and written in one statement under its lock: every instance counts against the same budget.
 * JSON endpoints are never paced.
 */
export async function takeRobotSlot(
  db: Db,
  webhook: { id: string; format: WebhookFormat },
  at: Date,
  tuning: RobotPacingTuning = {},
): Promise<Date | null> {
  if (webhook.format === 'JSON') return null;
  const limit = tuning.perWindow ?? ROBOT_MESSAGES_PER_MINUTE[webhook.format];
  const windowMs = tuning.windowMs ?? MINUTE_MS;
  const since = new Date(at.getTime() - windowMs).toISOString();
  const [slot] = await rows<{ taken: boolean; oldest_ms: string | number | null }>(
    db,
    sql`with hook as (
          select id, array(select sent from unnest(robot_sent_at) sent where sent > ${since}::timestamptz order by sent) recent
          from webhooks where id = ${webhook.id} for update
        ), taken as (
          update webhooks w set robot_sent_at = hook.recent || ${at.toISOString()}::timestamptz
          from hook where w.id = hook.id and cardinality(hook.recent) < ${limit}
          returning w.id
        )
        select exists (select 1 from taken) as taken, extract(epoch from hook.recent[1]) * 1000 as oldest_ms from hook`,
  );
  // A webhook deleted meanwhile: nothing to count; the send finds it gone and records so.
  if (!slot || slot.taken || slot.oldest_ms === null) return null;
  return new Date(Number(slot.oldest_ms) + windowMs);
}
