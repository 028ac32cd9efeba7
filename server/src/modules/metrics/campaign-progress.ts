import type { Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { campaignPartOf } from '../campaign/campaign.part.js';
import type { CampaignRow } from '../campaign/campaign.table.js';
import { loadGmvFen, loadGmvFenByShop, loadSeries, scopeConditions, type ScopeConditions } from './metrics.service.js';
import { countedWindow, floorHour, resolveWindow, type Window } from './metrics.window.js';
import { allocateByRoundedPrefix } from '../../lib/allocate.js';
import { HOUR_MS, shanghaiDate, shanghaiHourOfDay, startOfShanghaiDay } from '../../lib/time.js';

/**
 * The default plan shape of a Double 11 day: relative GMV weight of each Asia/Shanghai hour (0–23),
 * used when a campaign sets no hourlyShape of its own. The sale opens at midnight with a spike
 * (pre-paid deposits and carts settle at 00:00), falls to a trough from 3 to 7, rises through the
 * morning, bumps at lunch, and peaks in the evening from 20 to 23 (live streams, after work).
 */
export const DOUBLE_11_HOURLY_SHAPE: readonly number[] = Object.freeze([
  // 0    1    2    3    4    5    6    7
  10.0, 6.0, 3.0, 1.5, 1.0, 1.0, 1.2, 1.5,
  // 8    9   10   11   12   13   14   15
  2.5, 3.5, 4.0, 4.5, 5.0, 5.0, 4.0, 3.8,
  // 16  17   18   19   20   21   22   23
  3.8, 4.0, 4.5, 5.5, 7.0, 8.0, 8.0, 6.5,
]);


export type PlanCampaign = Pick<CampaignRow, 'startsAt' | 'endsAt' | 'gmvTargetFen' | 'hourlyShape'>;

/** One Asia/Shanghai hour of the campaign window (clipped to the window at its edges). */
export interface PlanHour {
  readonly from: Date;
  readonly to: Date;
  readonly plannedFen: number;
}

/**
 * Curves by what they depend on, the most recently used kept: a year's campaign is 8,784 hours and ~20 ms
 * to spread, and the alert engine each minute, every screen's progress and a page of campaigns ask for the
 * same few. Bounded by hours held (~150 bytes each, ~15 MB in all), not by curves, which a year's are 366× a day's.
 */
const curves = new Map<string, readonly PlanHour[]>();
const HOURS_KEPT = 100_000;
let hoursHeld = 0;

/** The plan curve of a campaign (planCurveOf), computed once per window, target and shape. */
export function planCurve(campaign: PlanCampaign): readonly PlanHour[] {
  const key = `${campaign.startsAt.getTime()}:${campaign.endsAt.getTime()}:${campaign.gmvTargetFen}:${campaign.hourlyShape?.join(',') ?? ''}`;
  let curve = curves.get(key);
  if (curve) curves.delete(key); // re-inserted below: a Map iterates oldest first, so this keeps it longest
  else {
    curve = planCurveOf(campaign);
    hoursHeld += curve.length;
    for (const [oldest, hours] of curves) {
      if (hoursHeld <= HOURS_KEPT) break;
      curves.delete(oldest);
      hoursHeld -= hours.length;
    }
  }
  curves.set(key, curve);
  return curve;
}

/**
 * Spreads the GMV target over the campaign window hour by hour: an hour weighs its shape weight
 * times the fraction of it inside the window. Amounts are whole fen, each running total its exact share
 * rounded (allocateByRoundedPrefix), so the hours sum exactly to the target. A shape that gives the whole
 * window zero weight falls back to an even spread over time.
 */
function planCurveOf(campaign: PlanCampaign): readonly PlanHour[] {
  const { hours, weights } = weightedHours(campaign);
  const fen = allocateByRoundedPrefix(campaign.gmvTargetFen, weights);
  return hours.map((h, i) => ({ from: h.from, to: h.to, plannedFen: fen[i]! }));
}

type PlanWindow = Pick<PlanCampaign, 'startsAt' | 'endsAt' | 'hourlyShape'>;

/** The window's Asia/Shanghai hours (clipped at its edges) and what each weighs in the plan. */
function weightedHours(window: PlanWindow) {
  const shape = window.hourlyShape?.length === 24 ? window.hourlyShape : DOUBLE_11_HOURLY_SHAPE;
  const hours: { from: Date; to: Date; overlap: number }[] = [];
  for (let start = floorHour(window.startsAt); start < window.endsAt; start = new Date(start.getTime() + HOUR_MS)) {
    // A Date of its own, never the campaign row's: the curve is shared by every caller of planCurve.
    const from = start < window.startsAt ? new Date(window.startsAt.getTime()) : start;
    const end = new Date(start.getTime() + HOUR_MS);
    const to = end > window.endsAt ? new Date(window.endsAt.getTime()) : end;
    hours.push({ from, to, overlap: (to.getTime() - from.getTime()) / HOUR_MS });
  }
  let weights = hours.map((h) => (shape[shanghaiHourOfDay(h.from)] ?? 0) * h.overlap);
  if (!weights.some((w) => w > 0)) weights = hours.map((h) => h.overlap);
  return { hours, weights };
}

/**
 * What a window weighs in a plan of its shape (a whole day of the default shape weighs 104.8): targets of
 * windows with the same shape compare by it, as a day's share of a campaign that starts mid-day.
 */
export function planWeight(window: PlanWindow): number {
  return weightedHours(window).weights.reduce((sum, w) => sum + w, 0);
}

/** Planned cumulative GMV at an instant, in fen: whole hours before it plus a linear share of its hour. */
export function plannedFenAt(curve: readonly PlanHour[], at: Date): number {
  let planned = 0;
  for (const hour of curve) {
    if (hour.to <= at) planned += hour.plannedFen;
    else if (hour.from < at) planned += (hour.plannedFen * (at.getTime() - hour.from.getTime())) / (hour.to.getTime() - hour.from.getTime());
  }
  return Math.round(planned);
}

export interface ProgressFigures {
  achievementRate: number;
  plannedFen: number;
  /** null before anything is planned. */
  pace: number | null;
  /** null before anything is planned; the actual GMV once the campaign has ended. */
  projectedFen: number | null;
  remainingFen: number;
  /**
   * The multiple of the plan the rest of the window must sell at to reach the target: remaining / (target −
   * planned so far). 0 once the target is reached; null once the campaign has ended short of it, or when
   * the plan has nothing left to sell in (its last hours are past) while GMV is short.
   */
  requiredPace: number | null;
}

/** The campaign's current Asia/Shanghai day (from its start on its first day): GMV against that day's share of the plan. */
export interface DayFigures {
  /** YYYY-MM-DD, Asia/Shanghai. */
  date: string;
  from: Date;
  gmvFen: number;
  plannedFen: number;
  /** gmv / planned; null while nothing of the day is planned. */
  pace: number | null;
}

/** 达成率, pace against plan and the projected final GMV, from actual GMV and the planned cumulative. */
export function progressFigures(input: { actualFen: number; plannedFen: number; targetFen: number; ended: boolean }): ProgressFigures {
  const { actualFen, plannedFen, targetFen, ended } = input;
  const projected = (): number | null => {
    if (ended) return actualFen;
    if (plannedFen <= 0) return null;
    // actual / (planned / target), exact in fen, rounded half-up; BigInt because actual × target overflows 2^53.
    const numerator = 2n * BigInt(actualFen) * BigInt(targetFen) + BigInt(plannedFen);
    return Number(numerator / (2n * BigInt(plannedFen)));
  };
  return {
    achievementRate: targetFen > 0 ? actualFen / targetFen : 0,
    plannedFen,
    pace: plannedFen > 0 ? actualFen / plannedFen : null,
    projectedFen: projected(),
    remainingFen: Math.max(0, targetFen - actualFen),
    requiredPace: requiredPace(input),
  };
}

function requiredPace({ actualFen, plannedFen, targetFen, ended }: { actualFen: number; plannedFen: number; targetFen: number; ended: boolean }): number | null {
  if (actualFen >= targetFen) return 0;
  const plannedLeftFen = targetFen - plannedFen;
  if (ended || plannedLeftFen <= 0) return null;
  return (targetFen - actualFen) / plannedLeftFen;
}

export interface ProgressPoint {
  at: Date;
  plannedFen: number;
  cumulativePlannedFen: number;
  /** null for hours that have not started, and for an edge hour not counted (CampaignProgress.counted). */
  actualFen: number | null;
  cumulativeActualFen: number | null;
}

/** One shop's part of a split campaign (目标拆解) with its own progress. */
export interface ShopPart {
  readonly shopId: string;
  readonly progress: CampaignProgress;
}

/** What narrows a progress to one shop's part: the shop, and where its GMV comes from (the parts' grouped query). */
interface PartOptions {
  readonly shopIds?: readonly string[];
  readonly loadActualFen?: () => Promise<number>;
}

/**
 * A campaign's progress as of one instant. Figures load lazily and once: the headline needs one
 * summed rollup query, the curve one hourly series; both read rollups of the campaign only.
 * `minutesKeptFrom` (minuteRollupsKeptFrom) is where minute rollups still exist: an old campaign whose
 * start or end is not on a whole hour is counted on its whole hours there (`counted`), as metrics are.
 */
export class CampaignProgress {
  private readonly scope: ScopeConditions;
  private plan?: readonly PlanHour[];
  private actual?: Promise<number>;
  private points?: Promise<ProgressPoint[]>;
  private day?: Promise<DayFigures | null>;
  private parts?: readonly ShopPart[] | null;
  private readonly loadActualFen?: () => Promise<number>;

  constructor(
    private readonly db: DbOrTx,
    private readonly viewer: Viewer,
    readonly campaign: CampaignRow,
    readonly asOf: Date,
    private readonly minutesKeptFrom: Date | null,
    part: PartOptions = {},
  ) {
    this.scope = scopeConditions(viewer, { campaignId: campaign.id, shopIds: part.shopIds });
    this.loadActualFen = part.loadActualFen;
  }

  /**
   * Each shop's part of a split campaign (目标拆解), in the campaign's order of shops: the part row
   * (campaignPartOf) judged by its own target and plan curve, so its figures are the ones a viewer of
   * that shop alone reads in `progress`. Their GMV comes from one query grouped by shop over the same
   * counted window. Only this campaign's shops, which are already cut to the viewer's; null when not split.
   */
  shopParts(): readonly ShopPart[] | null {
    if (this.parts !== undefined) return this.parts;
    if (!this.campaign.shopTargetsFen) return (this.parts = null);
    const window = this.counted;
    // Asked when the first part's GMV is, not before: a query nobody awaits would fail unhandled.
    let byShop: Promise<Map<string, number>> | undefined;
    const gmvOf = async (shopId: string) => {
      byShop ??= window.from < window.to ? loadGmvFenByShop(this.db, this.scope, window) : Promise.resolve(new Map());
      return (await byShop).get(shopId) ?? 0;
    };
    return (this.parts = this.campaign.shopIds.map((shopId) => ({
      shopId,
      progress: new CampaignProgress(this.db, this.viewer, campaignPartOf(this.campaign, [shopId]), this.asOf, this.minutesKeptFrom, {
        shopIds: [shopId],
        loadActualFen: () => gmvOf(shopId),
      }),
    })));
  }

  /** From the start to min(now, end), in whole minutes; empty before the start. */
  get elapsed(): Window {
    const end = this.asOf < this.campaign.endsAt ? this.asOf : this.campaign.endsAt;
    return resolveWindow(this.campaign.startsAt, end > this.campaign.startsAt ? end : this.campaign.startsAt);
  }

  /**
   * The part of `elapsed` the rollups can count: the same, or cut to whole hours on a side whose
   * minutes are past the minute rollups kept. GMV, the curve and the retrospective's figures count this.
   */
  get counted(): Window {
    return countedWindow(this.elapsed, this.minutesKeptFrom);
  }

  get ended(): boolean {
    return this.asOf >= this.campaign.endsAt;
  }

  curvePlan(): readonly PlanHour[] {
    return (this.plan ??= planCurve(this.campaign));
  }

  actualFen(): Promise<number> {
    const window = this.counted;
    if (this.loadActualFen) return (this.actual ??= this.loadActualFen());
    return (this.actual ??= window.from < window.to ? loadGmvFen(this.db, this.scope, window) : Promise.resolve(0));
  }

  async figures(): Promise<ProgressFigures> {
    const plannedFen = plannedFenAt(this.curvePlan(), this.asOf);
    return progressFigures({ actualFen: await this.actualFen(), plannedFen, targetFen: this.campaign.gmvTargetFen, ended: this.ended });
  }

  /**
   * Today against today's plan, from the hourly curve: the hero is cumulative, so a campaign behind since day one reads red
   * while today may be selling above its plan. Null before the start and once the campaign has ended.
   */
  today(): Promise<DayFigures | null> {
    return (this.day ??= this.loadToday());
  }

  private async loadToday(): Promise<DayFigures | null> {
    if (this.asOf < this.campaign.startsAt || this.ended) return null;
    const date = shanghaiDate(this.asOf);
    const midnight = startOfShanghaiDay(date);
    const from = midnight > this.campaign.startsAt ? midnight : this.campaign.startsAt;
    const plan = this.curvePlan();
    const plannedFen = plannedFenAt(plan, this.asOf) - plannedFenAt(plan, from);
    // Today's hours of the curve (a screen asks for both: one read of the rollups); an hour not counted is null in both.
    let gmvFen = 0;
    for (const point of await this.curve()) if (point.at >= from && point.actualFen !== null) gmvFen += point.actualFen;
    return { date, from, gmvFen, plannedFen, pace: plannedFen > 0 ? gmvFen / plannedFen : null };
  }

  curve(): Promise<ProgressPoint[]> {
    return (this.points ??= this.loadCurve());
  }

  private async loadCurve(): Promise<ProgressPoint[]> {
    const plan = this.curvePlan();
    const { elapsed, counted } = this;
    const series = counted.from < counted.to ? await loadSeries(this.db, this.scope, counted, 'HOUR', plan.length + 1) : [];
    const actualByHour = new Map(series.map((p) => [floorHour(p.at).getTime(), p.gmvFen]));
    // An edge hour left out of the counted window has no figure to show: null, not a made-up 0.
    const cut = (hour: PlanHour) => (counted.from > elapsed.from && hour.to <= counted.from) || (counted.to < elapsed.to && hour.from >= counted.to);
    let cumulativePlanned = 0;
    let cumulativeActual = 0;
    return plan.map((hour) => {
      cumulativePlanned += hour.plannedFen;
      const started = hour.from < this.asOf;
      const actual = started && !cut(hour) ? (actualByHour.get(floorHour(hour.from).getTime()) ?? 0) : null;
      if (actual !== null) cumulativeActual += actual;
      return {
        at: hour.from,
        plannedFen: hour.plannedFen,
        cumulativePlannedFen: cumulativePlanned,
        actualFen: actual,
        cumulativeActualFen: actual === null ? null : cumulativeActual,
      };
    });
  }
}
