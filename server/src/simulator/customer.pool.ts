import type { Random } from '../demo/demo.random.js';
import { DAY_MS } from '../lib/time.js';

/** A shop with few or no known members still warms up as if it had this many. */
const MIN_POOL = 100;

/**
 * One shop's buyers. Members who have not bought yet are won over time instead of all at once, so
 * first-order dates spread out and the new-customer share (新客占比) means something: while few have
 * bought, most orders come from newcomers (a history has to start somewhere); later about three
 * orders in ten, four during a campaign. A tenth of the buyers are regulars who place a fifth of the
 * repeat orders (复购). A returning buyer has not bought in the last 24 hours, so busy traffic does
 * not pile a day's orders onto a few people (buyers, and so conversion, count people); when none
 * such is found, a newcomer buys. Once every member has bought, newcomers get ids from `mint`.
 */
export class CustomerPool {
  private readonly ids: string[];
  /** ids[0 .. seen) have bought before; the rest are still to be won. */
  private seen: number;
  private minted = 0;
  private readonly lastBought = new Map<string, number>();

  constructor(
    ids: readonly string[],
    seen: number,
    private readonly mint: (n: number) => string,
  ) {
    this.ids = [...ids];
    this.seen = Math.min(Math.max(0, seen), this.ids.length);
  }

  next(random: Random, inCampaign: boolean, at: number): string {
    const size = Math.max(this.ids.length, MIN_POOL);
    const warmUp = 0.6 * Math.max(0, 1 - this.seen / (0.4 * size));
    if (this.seen > 0 && !random.chance((inCampaign ? 0.4 : 0.3) + warmUp)) {
      const regulars = Math.min(this.seen, Math.max(1, Math.floor(size / 10)));
      for (let attempt = 0; attempt < 4; attempt++) {
        const id = this.ids[random.chance(0.2) ? random.int(0, regulars - 1) : random.int(0, this.seen - 1)]!;
        if (at - (this.lastBought.get(id) ?? -Infinity) >= DAY_MS) return this.bought(id, at);
      }
    }
    if (this.seen === this.ids.length) this.ids.push(this.mint(++this.minted));
    return this.bought(this.ids[this.seen++]!, at);
  }

  private bought(id: string, at: number): string {
    this.lastBought.set(id, at);
    return id;
  }
}
