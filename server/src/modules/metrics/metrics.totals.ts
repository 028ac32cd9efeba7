import { CHANNELS, TRAFFIC_SOURCES, type Channel, type TrafficSource } from '../../db/enums.js';
import { Hll } from '../../lib/hll.js';
import { addCounters, zeroCounters, type Counters, type Figures } from './metrics.formulas.js';

/** One metric_rollups row as the totals query reads it. */
export interface TotalsRow extends Counters {
  channel: Channel;
  source: TrafficSource;
  visitors: Uint8Array | null;
  carters: Uint8Array | null;
  buyers: Uint8Array | null;
}

/**
 * The GMV a breakdown's spend is credited with: of its channel × source lines, those with marketing
 * spend in the window (a platform's organic search sales are not its ads'; DOMAIN.md's "attributed GMV").
 */
export interface Attributed {
  attributedGmvFen: number;
}

export interface Totals {
  all: Figures;
  /** Channels with at least one row in the window, highest GMV first (ties in enum order). */
  byChannel: (Figures & Attributed & { channel: Channel })[];
  bySource: (Figures & Attributed & { source: TrafficSource })[];
}

/** Summed counters and merged sketches of one group of rows. */
class Group {
  readonly counters = zeroCounters();
  readonly visitors = new Hll();
  readonly carters = new Hll();
  readonly buyers = new Hll();

  add(row: TotalsRow) {
    addCounters(this.counters, row);
    this.visitors.merge(row.visitors);
    this.carters.merge(row.carters);
    this.buyers.merge(row.buyers);
  }

  /** Folds another group in: its registers are a dense sketch, so the merge is register-wise max. */
  absorb(other: Group) {
    addCounters(this.counters, other.counters);
    this.visitors.merge(other.visitors.registers);
    this.carters.merge(other.carters.registers);
    this.buyers.merge(other.buyers.registers);
  }

  /**
   * Estimates are capped by the exact counts that bound them — every buyer paid at least one order,
   * every carter added to cart at least once — so a sketch's error never shows more buyers than paid
   * orders on one screen.
   */
  figures(): Figures {
    const c = this.counters;
    return {
      ...c,
      visitors: this.visitors.estimate(),
      carters: Math.min(this.carters.estimate(), c.addToCarts),
      buyers: Math.min(this.buyers.estimate(), c.ordersPaid),
    };
  }
}

export interface TotalsOptions {
  /**
   * Distinct counts (visitors, buyers) for the overall figures only: by channel and by source they are
   * 0, and carters (add-to-cart visitors) are not read at all (0 everywhere). For callers that show
   * counters per channel or source but distinct counts only overall (the retrospective), at a sixth of
   * the sketch merges and two thirds of the sketch bytes.
   */
  overallDistinctOnly?: boolean;
}

/**
 * Sums counters and merges sketches over exactly the rows given, overall and per channel and per
 * source. Distinct counts come from the merged sketch of each group, never from adding per-row
 * estimates (a visitor seen in two buckets or two sources counts once). Each row's sketches are
 * merged twice (its channel, its source); the overall total folds the per-channel groups, which
 * partition the rows, so the work is O(rows + channels) sketch merges.
 */
export function accumulateTotals(rows: readonly TotalsRow[], options: TotalsOptions = {}): Totals {
  const channels = new Map<Channel, Group>();
  const sources = new Map<TrafficSource, Group>();
  const lines = new Lines();
  const all = new Group();
  if (options.overallDistinctOnly) {
    // A third of the sketch merges: each row's sketches go into the overall group only.
    for (const row of rows) {
      addCounters(groupOf(channels, row.channel).counters, row);
      addCounters(groupOf(sources, row.source).counters, row);
      lines.add(row);
      all.add(row);
    }
  } else {
    for (const row of rows) {
      groupOf(channels, row.channel).add(row);
      groupOf(sources, row.source).add(row);
      lines.add(row);
    }
    for (const group of channels.values()) all.absorb(group);
  }
  const attributed = lines.attributed();
  return {
    all: all.figures(),
    byChannel: ordered(channels, CHANNELS).map(([channel, group]) => ({ channel, ...group.figures(), attributedGmvFen: attributed.byChannel.get(channel) ?? 0 })),
    bySource: ordered(sources, TRAFFIC_SOURCES).map(([source, group]) => ({ source, ...group.figures(), attributedGmvFen: attributed.bySource.get(source) ?? 0 })),
  };
}

/** GMV and spend per channel × source line: spend is recorded per line, so the line decides what it is credited with. */
class Lines {
  private readonly lines = new Map<string, { channel: Channel; source: TrafficSource; gmvFen: number; spendFen: number }>();

  add(row: TotalsRow) {
    if (row.gmvFen === 0 && row.spendFen === 0) return;
    const key = `${row.channel}|${row.source}`;
    const line = this.lines.get(key);
    if (line) {
      line.gmvFen += row.gmvFen;
      line.spendFen += row.spendFen;
    } else this.lines.set(key, { channel: row.channel, source: row.source, gmvFen: row.gmvFen, spendFen: row.spendFen });
  }

  /** Each channel's and source's GMV of the lines with spend in the window. */
  attributed() {
    const byChannel = new Map<Channel, number>();
    const bySource = new Map<TrafficSource, number>();
    for (const line of this.lines.values()) {
      if (line.spendFen <= 0) continue;
      byChannel.set(line.channel, (byChannel.get(line.channel) ?? 0) + line.gmvFen);
      bySource.set(line.source, (bySource.get(line.source) ?? 0) + line.gmvFen);
    }
    return { byChannel, bySource };
  }
}

function groupOf<K>(groups: Map<K, Group>, key: K): Group {
  let group = groups.get(key);
  if (!group) groups.set(key, (group = new Group()));
  return group;
}

function ordered<K extends string>(groups: Map<K, Group>, enumOrder: readonly K[]): [K, Group][] {
  return [...groups].sort(
    ([a, ga], [b, gb]) => gb.counters.gmvFen - ga.counters.gmvFen || enumOrder.indexOf(a) - enumOrder.indexOf(b),
  );
}
