import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import { MINUTE_MS, shanghaiDateTime } from '../../lib/time.js';
import { FAILURES_BEFORE_UNHEALTHY } from '../../observability/health.js';
import { expirePoints } from '../customer/points.ledger.js';
import { openRectifications } from '../report/report.service.js';
import { applyFindings, PendingConditions, type AlertEvent } from './alert.lifecycle.js';
import { evaluateRules } from './rules/evaluate.js';
import { loadRuleInputs } from './rules/rule-inputs.js';
import { RULES } from './rules/rule-settings.js';
import { loadRuleSettings } from './rules/settings-in-force.js';


export interface AlertEngineOptions {
  db: Db;
  logger: Logger;
  now: () => Date;
  /** Called after each committed change (publish to subscribers, wake the webhook dispatcher). */
  onEvents: (events: AlertEvent[]) => void;
  /** Evaluate at least this often even without changes (time alone makes milestones overdue). Default 60 s. */
  everyMs?: number;
  /** After a change notice, wait at most this long, and never evaluate more often than this. Default 2 s. */
  debounceMs?: number;
}

export interface EvaluationStats {
  evaluations: number;
  /** Background evaluations that failed in a row; reset by a success. /ready turns red past a few. */
  consecutiveFailures: number;
  /** The same for the jobs the engine runs beside the rules; each is kept apart so none stops the alerts. */
  pointsExpiryFailures: number;
  rectificationSweepFailures: number;
  lastFindings: number;
  lastDurationMs: number;
}

/**
 * Evaluates every rule for every active shop, campaign, SKU and milestone: on change (an ingest
 * notice, debounced) and at least once a minute. The work per evaluation is a fixed number of
 * queries over rollups; it does not grow with the screens watching.
 */
export class AlertEngine {
  private readonly pending = new PendingConditions();
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private running: Promise<AlertEvent[]> | null = null;
  private again = false;
  private stopped = false;
  /** The Asia/Shanghai hour (`YYYY-MM-DD HH`) of the last successful rectification sweep. */
  private rectificationsSweptFor: string | null = null;
  private sweeping: Promise<void> | null = null;
  readonly stats: EvaluationStats = { evaluations: 0, consecutiveFailures: 0, pointsExpiryFailures: 0, rectificationSweepFailures: 0, lastFindings: 0, lastDurationMs: 0 };

  constructor(private readonly options: AlertEngineOptions) {}

  start() {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.run(), this.options.everyMs ?? MINUTE_MS);
    this.timer.unref();
    this.markChanged();
  }

  /**
   * What has failed several runs in a row, as /ready names it: the rules (alerts are not being raised),
   * the points expiry (lots past their year stay spendable), the daily sweep (rectifications do not open,
   * so RECTIFICATION_OVERDUE never fires). Empty when all is well.
   */
  stoppedParts(): string[] {
    const { consecutiveFailures, pointsExpiryFailures, rectificationSweepFailures } = this.stats;
    return [
      ...(consecutiveFailures >= FAILURES_BEFORE_UNHEALTHY ? ['alert engine'] : []),
      ...(pointsExpiryFailures >= FAILURES_BEFORE_UNHEALTHY ? ['points expiry'] : []),
      ...(rectificationSweepFailures >= FAILURES_BEFORE_UNHEALTHY ? ['rectification sweep'] : []),
    ];
  }

  /**
   * Something changed (ingestion committed here or on another instance): evaluate soon. An engine never
   * started runs only when asked (evaluate()): tests and benchmarks that drive it by hand must not find
   * an evaluation of its own among their queries, alerts or CPU, two seconds after an ingest.
   */
  markChanged() {
    // Not started (no timer) or stopped: nothing runs by itself.
    if (!this.timer || this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void this.run();
    }, this.options.debounceMs ?? 2_000);
    this.debounce.unref();
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.timer = this.debounce = null;
    await this.running?.catch(() => {});
    await this.sweeping;
  }

  /** Resolves once the rectification sweep under way, if any, has ended (tests; stop() waits for it too). */
  async sweepsDone(): Promise<void> {
    await this.sweeping;
  }

  /**
   * Once per Asia/Shanghai hour: the last closed days' flagged report rows open their rectification reports,
   * which RECTIFICATION_OVERDUE then watches (hourly, not daily: late data can flag a closed day). Beside the
   * rules, not before them: over many shops the sweep reads two days' reports of each (~25 ms a shop-day at
   * 10M orders), and no alert waits for it. A failed sweep is tried again at the next evaluation.
   */
  private sweepRectificationsIfDue(now: Date) {
    const hour = shanghaiDateTime(now).slice(0, 13);
    if (this.rectificationsSweptFor === hour || this.sweeping || this.stopped) return;
    this.sweeping = openRectifications(this.options.db, now)
      .then(
        () => {
          this.rectificationsSweptFor = hour;
          this.stats.rectificationSweepFailures = 0;
        },
        (error: unknown) => this.options.logger.error({ err: error, failuresInARow: ++this.stats.rectificationSweepFailures }, 'opening rectification reports failed'),
      )
      .finally(() => (this.sweeping = null));
  }

  /** One evaluation now (tests call it with their clock); a call during a run waits for it and runs once more. */
  async evaluate(): Promise<AlertEvent[]> {
    if (this.running) {
      this.again = true;
      await this.running.catch(() => {});
      if (this.running) return this.running;
    }
    this.running = this.evaluateOnce().finally(() => (this.running = null));
    const events = await this.running;
    if (this.again && !this.stopped) {
      this.again = false;
      return [...events, ...(await this.evaluate())];
    }
    return events;
  }

  private async run() {
    try {
      await this.evaluate();
      this.stats.consecutiveFailures = 0;
    } catch (error) {
      // Counted, not only logged: the app's /ready reports a stuck engine (see stoppedParts()).
      this.stats.consecutiveFailures++;
      this.options.logger.error({ err: error, consecutiveFailures: this.stats.consecutiveFailures }, 'alert evaluation failed');
    }
  }

  private async evaluateOnce(): Promise<AlertEvent[]> {
    const { db, now: clock } = this.options;
    const started = performance.now();
    const now = clock();
    // Points lots past their year expire here, the loop that runs regularly; a failure must not stop the alerts.
    await expirePoints(db, now).then(
      () => (this.stats.pointsExpiryFailures = 0),
      (error: unknown) => this.options.logger.error({ err: error, failuresInARow: ++this.stats.pointsExpiryFailures }, 'points expiry failed'),
    );
    this.sweepRectificationsIfDue(now);
    const settings = await loadRuleSettings(db);
    const inputs = await loadRuleInputs(db, now, settings, loadBounds(settings));
    const findings = evaluateRules(inputs);
    const events = await applyFindings(db, findings, now, this.pending);
    this.stats.evaluations++;
    this.stats.lastFindings = findings.filter((f) => !f.cleared).length;
    this.stats.lastDurationMs = performance.now() - started;
    if (events.length > 0) this.options.onEvents(events);
    return events;
  }
}

/** What the inputs need from the settings: the highest LOW_STOCK clear level in force (a campaign's included). */
function loadBounds(settings: Parameters<typeof loadRuleInputs>[2]) {
  const explicitStock = settings.filter((s) => s.rule === 'LOW_STOCK' && s.threshold !== null).map((s) => s.threshold!);
  return { stockCeiling: Math.max(0, ...explicitStock.map((t) => RULES.LOW_STOCK.clearLevel(t))) };
}
