import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import { FAILURES_BEFORE_UNHEALTHY } from '../../observability/health.js';
import type { AlertEvent } from '../alert/alert.lifecycle.js';
import { claimDueDeliveries, deferDeliveries, recordAttempt, releaseLeases, type AttemptOutcome, type ClaimedDelivery } from './webhook.delivery.js';
import { takeRobotSlot, type RobotPacingTuning } from './webhook.pacing.js';
import { renderDigestRequest, ROBOT_DIGEST_MAX } from './webhook.digest.js';
import { renderRequest } from './webhook.formats.js';
import { createWebhookSender } from './webhook.sender.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './webhook.retry.js';
import type { WebhookRow } from './webhook.table.js';
import type { Resolve } from './webhook.url.js';
import { MINUTE_MS } from '../../lib/time.js';

/** What buildApp (and tests, benchmarks) may tune; everything has a production default. */
export interface WebhookDispatcherTuning {
  /** Per request, headers and body included (default 10 s). */
  fetchTimeoutMs?: number;
  /** How often due deliveries are looked for without a wake() (default 1 s). */
  pollMs?: number;
  /** Requests in flight at once, per instance (default 8). */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** Jitter source (default Math.random); tests pass a fixed one. */
  random?: () => number;
  /** Group robots' rate (webhook.pacing.ts); tests shorten the window. */
  robotPacing?: RobotPacingTuning;
}

export interface WebhookDispatcherOptions extends WebhookDispatcherTuning {
  db: Db;
  logger: Logger;
  now: () => Date;
  /** Send to private and loopback addresses too (WEBHOOK_ALLOW_PRIVATE_URLS; tests). */
  allowPrivateUrls: boolean;
  /** How host names resolve (default the system resolver); tests answer differently from call to call. */
  resolve?: Resolve;
  /** Publishes a raised WEBHOOK_PAUSED alert to subscribers, as every other alert change is (alertRaised and alertChanged). */
  publish?: (events: AlertEvent[]) => void;
  onPaused?: (webhook: WebhookRow) => void;
}

export interface WebhookDispatcher {
  /** Look for due deliveries now (after a commit that enqueued some) instead of at the next poll. */
  wake(): void;
  /**
   * False once claiming, or recording what was sent, has failed FAILURES_BEFORE_UNHEALTHY times in a row:
   * alerts' webhooks (the robots in the operators' group chats) are not going out, or go out again and
   * again as leases expire. /ready says so instead of the log alone, every poll, for ever.
   */
  healthy(): boolean;
  /** The longer of the two runs of failures, claims' or recordings' (/metrics). */
  failuresInARow(): number;
  /** Stops claiming; resolves once the requests in flight have finished and been recorded. */
  stop(): Promise<void>;
  /** Resolves when nothing is due and nothing is in flight (benchmarks, tests). */
  drain(): Promise<void>;
}

/**
 * Sends the outbox. Polls for due deliveries (and on wake()), leases a small batch at a time, keeps at
 * most `concurrency` requests in flight, and records every attempt. Nothing is held only in memory:
 * a delivery is a row until it is DELIVERED or FAILED, so a restart loses none — an instance that
 * dies mid-send leaves a lease that expires, and whichever instance comes next sends the delivery again.
 */
export function startWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { db, logger, now } = options;
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 10_000;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const random = options.random ?? Math.random;
  // Longer than any send and its recording can take, so a live instance never loses its lease.
  const leaseMs = fetchTimeoutMs + MINUTE_MS;
  // Claimed a batch at a time and sent as slots free up: one claim per batch instead of one per
  // delivery (the claim sorts the due rows, which costs the same for 1 row as for 16).
  const batchSize = Math.min(concurrency * 2, 64);
  // What is sent next, one request each: a delivery, or several to one group robot (robotUnits).
  const claimedNotSent: ClaimedDelivery[][] = [];

  const sender = createWebhookSender({ allowPrivateUrls: options.allowPrivateUrls, fetchTimeoutMs, resolve: options.resolve, now });

  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let pumping: Promise<void> | null = null;
  let again = false;
  let lastClaimed = 0;
  // Counted apart: a claim succeeding every poll must not hide recordings that keep failing, nor the reverse.
  let claimFailures = 0;
  let recordFailures = 0;

  function attempt(unit: readonly ClaimedDelivery[]): Promise<AttemptOutcome> {
    const { url, format, secret } = unit[0]!;
    const endpoint = { url, format, secret };
    const toRender = unit.map((d) => ({ id: encodeGlobalID('WebhookDelivery', d.id), event: d.event, createdAt: d.createdAt, data: d.data }));
    return sender.send(endpoint, (sentAt) =>
      toRender.length === 1 ? renderRequest(toRender[0]!, endpoint, sentAt) : renderDigestRequest(toRender, endpoint, sentAt),
    );
  }

  /** One request for the unit; its outcome is every one of its deliveries' attempt, a failure counted once toward pausing. */
  async function send(unit: readonly ClaimedDelivery[]): Promise<void> {
    const outcome = await attempt(unit);
    for (const [i, delivery] of unit.entries()) await record(delivery, outcome, { countsTowardPause: i === 0 });
  }

  async function record(delivery: ClaimedDelivery, outcome: AttemptOutcome, how: { countsTowardPause: boolean }): Promise<void> {
    const recorded = await recordAttempt(db, delivery, outcome, { policy, now: now(), random, ...how });
    recordFailures = 0;
    if (recorded.paused) {
      logger.warn({ webhookId: recorded.paused.id, failures: recorded.paused.consecutiveFailures }, 'webhook paused after a run of failures');
      options.onPaused?.(recorded.paused);
    }
    if (recorded.alert) {
      // Installation-wide (no shops): heard by operators over every shop. Only alertRaised heard of it, so a
      // war-room feed built on alertChanged never showed that an endpoint had stopped.
      options.publish?.([{ change: 'RAISED', alert: recorded.alert, shopIds: [], seenInPart: false }]);
      wake(); // the WEBHOOK_PAUSED alert was enqueued for the operators' own webhooks
    }
  }

  function track(unit: ClaimedDelivery[]) {
    const task: Promise<void> = send(unit)
      .catch((error: unknown) => {
        recordFailures++;
        logger.error({ err: error, deliveryIds: unit.map((d) => d.id), failuresInARow: recordFailures }, 'webhook delivery could not be recorded; its lease will expire and it is sent again');
      })
      .finally(() => {
        inFlight.delete(task);
        void pump(); // a slot is free: keep a backlog flowing without waiting for the next poll
      });
    inFlight.add(task);
  }

  /** Starts sends while there is room, claiming the next batch when the last one is used up. */
  async function fill() {
    while (!stopped && inFlight.size < concurrency) {
      if (claimedNotSent.length === 0) {
        const at = now();
        const claimed = await claimDueDeliveries(db, at, new Date(at.getTime() + leaseMs), batchSize);
        claimFailures = 0;
        lastClaimed = claimed.length;
        if (claimed.length === 0) return;
        claimedNotSent.push(...robotUnits(claimed));
      }
      while (!stopped && inFlight.size < concurrency && claimedNotSent.length > 0) {
        const unit = claimedNotSent.shift()!;
        const freeAt = await takeRobotSlot(db, { id: unit[0]!.webhookId, format: unit[0]!.format }, now(), options.robotPacing);
        // A robot at its rate: its deliveries wait for room and then go together as one digest.
        if (freeAt === null) track(unit);
        else await deferDeliveries(db, unit.map((d) => d.id), freeAt);
      }
    }
  }

  /** One filling at a time; a call while one runs makes it go round once more. */
  function pump(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = (async () => {
      try {
        do {
          again = false;
          await fill();
        } while (again && !stopped);
      } catch (error) {
        claimFailures++;
        logger.error({ err: error, failuresInARow: claimFailures }, 'webhook dispatcher could not claim deliveries; retrying at the next poll');
      } finally {
        pumping = null;
      }
    })();
    return pumping;
  }

  function wake() {
    void pump();
  }

  const timer = setInterval(wake, options.pollMs ?? 1_000);
  timer.unref();
  wake();

  return {
    wake,
    healthy: () => Math.max(claimFailures, recordFailures) < FAILURES_BEFORE_UNHEALTHY,
    failuresInARow: () => Math.max(claimFailures, recordFailures),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await pumping;
      await Promise.allSettled([...inFlight]);
      // Claimed but never started: hand them back now rather than make the next instance wait for the lease.
      await releaseLeases(db, claimedNotSent.splice(0).flatMap((unit) => unit.map((d) => d.id)));
      await sender.close();
    },
    async drain() {
      for (;;) {
        if (stopped) return;
        await pump();
        if (inFlight.size > 0) await Promise.race(inFlight);
        else if (lastClaimed === 0 && claimedNotSent.length === 0) return;
      }
    },
  };
}

/**
 * A claim's deliveries as requests: each JSON delivery alone (its own id and signature, API.md); a group
 * robot's deliveries of one claim together, up to ROBOT_DIGEST_MAX a message (webhook.digest.ts,
 * renderDigestRequest). A claim takes what is due at once, so what one evaluation raised in its one
 * transaction goes out as one message. In the order claimed, each unit where its first delivery was.
 */
export function robotUnits(claimed: readonly ClaimedDelivery[]): ClaimedDelivery[][] {
  const units: ClaimedDelivery[][] = [];
  const open = new Map<string, ClaimedDelivery[]>(); // webhook id → its unit still taking deliveries
  for (const delivery of claimed) {
    if (delivery.format === 'JSON') {
      units.push([delivery]);
      continue;
    }
    let unit = open.get(delivery.webhookId);
    if (!unit || unit.length >= ROBOT_DIGEST_MAX) {
      unit = [];
      units.push(unit);
      open.set(delivery.webhookId, unit);
    }
    unit.push(delivery);
  }
  return units;
}
