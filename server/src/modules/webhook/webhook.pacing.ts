import { MINUTE_MS } from '../../lib/time.js';
import type { WebhookFormat } from './webhook.table.js';

/**
 * Messages a group robot is sent per minute at most, a little under what its platform takes before it
 * throttles (DingTalk and WeCom: 20 a minute, and DingTalk then silences the robot for ten minutes; Feishu:
 * 100 a minute): the margin leaves room for a test message (testWebhook) and for another instance's sends,
 * which this one does not see.
 */
export const ROBOT_MESSAGES_PER_MINUTE: Record<Exclude<WebhookFormat, 'JSON'>, number> = { DINGTALK: 18, WECOM: 18, FEISHU: 90 };

export interface RobotPacingTuning {
  /** Messages per window for every robot format (tests); default ROBOT_MESSAGES_PER_MINUTE by format. */
  perWindow?: number;
  /** Default one minute. */
  windowMs?: number;
}

/**
 * Keeps each group robot under its platform's rate, per instance: what a robot is due beyond it waits for
 * the window to free (the dispatcher defers the deliveries, no failure counted) and then goes out together
 * as one digest (webhook.digest.ts), instead of being refused and retried while the robot is throttled.
 * A sliding window of send times per robot webhook; JSON endpoints are never paced.
 */
export class RobotPacer {
  private readonly sent = new Map<string, number[]>(); // webhook id → its send times within the window
  private readonly windowMs: number;

  constructor(private readonly tuning: RobotPacingTuning = {}) {
    this.windowMs = tuning.windowMs ?? MINUTE_MS;
  }

  /**
   * Takes one message of the robot's budget at `at` (ms): null when it may be sent now (and counted), else
   * the time (ms) its window has room again.
   */
  take(webhookId: string, format: WebhookFormat, at: number): number | null {
    if (format === 'JSON') return null;
    const limit = this.tuning.perWindow ?? ROBOT_MESSAGES_PER_MINUTE[format];
    const recent = (this.sent.get(webhookId) ?? []).filter((time) => time > at - this.windowMs);
    if (recent.length >= limit) {
      this.sent.set(webhookId, recent);
      return recent[0]! + this.windowMs;
    }
    recent.push(at);
    this.sent.set(webhookId, recent);
    return null;
  }
}
