import type { TrafficSource } from '../db/enums.js';
import { fenToYuan, yuanToFen } from '../lib/money.js';
import type { EventInput } from '../modules/ingest/ingest.parse.js';
import type { SpendEntryInput } from '../modules/marketing/marketing.service.js';
import { MINUTE_MS } from '../lib/time.js';

/** The sources money is spent on: 直通车/推广 (PAID) and content and live-stream promotion (SOCIAL). */
export const BOUGHT_SOURCES = ['PAID', 'SOCIAL'] as const satisfies readonly TrafficSource[];
type BoughtSource = (typeof BOUGHT_SOURCES)[number];
/** Weight of the latest minute in the budget's moving average: about ten minutes of memory. */
const SMOOTHING = 0.1;

export interface LiveSpendOptions {
  /** Prefix of the entry ids; two runs sharing a database need different tags. */
  tag: string;
  /** Global Shop ids. */
  shopIds: readonly string[];
  /** The first minute to record (its start is rounded down). */
  start: Date;
  /** The ROI the budget is set for, by source and minute: spend = smoothed GMV / ROI. */
  targetRoi: (source: BoughtSource, minute: Date) => number;
  /** The campaign (global id) a shop's spend in a minute is attributed to, as its traffic is; none by default. */
  campaignAt?: (shopId: string, minute: Date) => string | null;
}

/**
 * The ad spend behind simulated traffic. A budget burns steadily while sales arrive in lumps, so each
 * shop's PAID and SOCIAL spend for a minute is the moving average of the GMV paid through that source
 * divided by the ROI it is set for; the ROI a screen shows then moves around that target from minute to
 * minute. Each payment counts once however often it is delivered, and not at all if it was refused.
 */
export class LiveSpend {
  private nextMinute: number;
  /** GMV paid per minute, shop and source, not yet turned into spend. */
  private readonly sold = new Map<string, number>();
  private readonly average = new Map<string, number>();
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(private readonly options: LiveSpendOptions) {
    this.nextMinute = Math.floor(options.start.getTime() / MINUTE_MS) * MINUTE_MS;
  }

  /** Takes note of the payments in a batch that ingestion accepted (`refused`: indexes in userErrors). */
  observe(events: readonly EventInput[], refused: ReadonlySet<number> = new Set()) {
    events.forEach((e, index) => {
      if (e.type !== 'ORDER_PAID' || refused.has(index) || !e.source || !(BOUGHT_SOURCES as readonly string[]).includes(e.source)) return;
      const seen = `${e.shopId}|${e.id}`;
      if (this.current.has(seen) || this.previous.has(seen)) return;
      this.current.add(seen);
      // A payment that arrives after its minute was recorded counts in the next one still open.
      const minute = Math.max(this.nextMinute, Math.floor(e.occurredAt.getTime() / MINUTE_MS) * MINUTE_MS);
      const key = `${minute}|${e.shopId}|${e.source}`;
      this.sold.set(key, (this.sold.get(key) ?? 0) + yuanToFen(e.amount ?? '0'));
    });
    if (this.current.size > 5_000) [this.previous, this.current] = [this.current, new Set()];
  }

  /** Spend entries for every whole minute before `now` not yet handed out, oldest first. */
  due(now: Date): SpendEntryInput[] {
    const entries: SpendEntryInput[] = [];
    for (; this.nextMinute + MINUTE_MS <= now.getTime(); this.nextMinute += MINUTE_MS) {
      const minute = this.nextMinute;
      for (const shopId of this.options.shopIds) {
        for (const source of BOUGHT_SOURCES) {
          const key = `${minute}|${shopId}|${source}`;
          const sold = this.sold.get(key) ?? 0;
          this.sold.delete(key);
          const budget = `${shopId}|${source}`;
          const before = this.average.get(budget);
          const average = before === undefined ? sold : before + SMOOTHING * (sold - before);
          this.average.set(budget, average);
          const spentAt = new Date(minute);
          const fen = Math.round(average / this.options.targetRoi(source, spentAt));
          if (fen <= 0) continue;
          const campaignId = this.options.campaignAt?.(shopId, spentAt) ?? null;
          entries.push({ id: `${this.options.tag}-spend-${minute.toString(36)}-${source}`, shopId, spentAt, source, campaignId, amount: fenToYuan(fen) });
        }
      }
    }
    return entries;
  }
}
