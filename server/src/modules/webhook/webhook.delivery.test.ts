import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { ADMIN_KEY_VIEWER } from '../../auth/viewer.js';
import { describeEachBackend } from '../../../test/backends.js';
import { claimDueDeliveries, recordAttempt } from './webhook.delivery.js';
import { enqueueWebhookEvent } from './webhook.outbox.js';
import { DEFAULT_RETRY_POLICY } from './webhook.retry.js';
import { deleteWebhook } from './webhook.service.js';
import { webhookDeliveries, webhooks } from './webhook.table.js';
import { sampleWebhookAlert } from './webhook.test-fixtures.js';

const ROUNDS = 40;

describeEachBackend('webhook delivery records', (backend) => {
  // Recording an attempt writes the delivery and its webhook; a delete writes the same two rows. Taken in
  // opposite orders, the two deadlock and PostgreSQL aborts one — a delete that answers with an error and
  // leaves the webhook live (seen in CI before the record took the webhook's row first).
  it('records attempts and deletes their webhooks at the same moment without either failing', async () => {
    const { db } = backend();
    const now = new Date();
    const created = await db
      .insert(webhooks)
      .values(Array.from({ length: ROUNDS }, (_, i) => ({ name: `hook ${i}`, url: 'http://127.0.0.1:9/', format: 'JSON' as const, events: ['ALERT_RAISED' as const], createdBy: 'admin-key', consecutiveFailures: 1 })))
      .returning({ id: webhooks.id });
    expect(created).toHaveLength(ROUNDS);
    const data = { alert: sampleWebhookAlert({ subject: 'race', shop: null, campaign: null }) };
    expect(await enqueueWebhookEvent(db, { type: 'ALERT_RAISED', shopIds: null, occurredAt: now, data })).toBe(ROUNDS);
    const claimed = await claimDueDeliveries(db, now, new Date(now.getTime() + 60_000), ROUNDS);
    expect(claimed).toHaveLength(ROUNDS);

    const failure = { attemptedAt: now, statusCode: null, error: 'connect ECONNREFUSED', durationMs: 1 };
    const success = { attemptedAt: now, statusCode: 200, error: null, durationMs: 1 };
    // In small groups, each delete a little after its attempt, so that some deletes land between the
    // attempt's two writes (on PGlite, with its one connection, they simply take turns).
    const outcomes: PromiseSettledResult<unknown>[] = [];
    for (let i = 0; i < claimed.length; i += 4) {
      const group = claimed.slice(i, i + 4);
      outcomes.push(
        ...(await Promise.allSettled(
          group.flatMap((delivery, j) => [
            // Failures and successes both (a success ends the webhook's run of failures, so it writes the webhook too).
            recordAttempt(db, delivery, (i + j) % 2 ? failure : success, { policy: DEFAULT_RETRY_POLICY, now, random: () => 0.5 }),
            new Promise((resolve) => setTimeout(resolve, j)).then(() => deleteWebhook(db, ADMIN_KEY_VIEWER, delivery.webhookId, now)),
          ]),
        )),
      );
    }
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);

    // Every webhook is gone, and none of its deliveries is left to send, whichever write came first.
    const left = await db.select({ id: webhooks.id, deletedAt: webhooks.deletedAt }).from(webhooks);
    expect(left.filter((w) => w.deletedAt === null)).toEqual([]);
    const pending = await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.status, 'PENDING'));
    expect(pending).toEqual([]);
  });
});
