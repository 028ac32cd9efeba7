import { describe, expect, it } from 'vitest';
import {
  DOUBLE_11_HOURLY_SHAPE,
  planCurve,
  planWeight,
  plannedFenAt,
  progressFigures,
  type PlanCampaign,
} from './campaign-progress.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const sum = (values: number[]) => values.reduce((a, v) => a + v, 0);

/** 双11 day: ¥10,000,000 target over 11.11 in Shanghai. */
const double11: PlanCampaign = {
  startsAt: sh('2026-11-11T00:00:00'),
  endsAt: sh('2026-11-12T00:00:00'),
  gmvTargetFen: 1_000_000_000,
  hourlyShape: null,
};

describe('the default Double 11 hourly shape', () => {
  it('has a weight for each of the 24 hours', () => {
    expect(DOUBLE_11_HOURLY_SHAPE).toHaveLength(24);
    expect(DOUBLE_11_HOURLY_SHAPE.every((w) => w > 0)).toBe(true);
  });

  it('spikes at midnight and peaks in the evening, well above the early-morning trough', () => {
    const [midnight, , , , four] = DOUBLE_11_HOURLY_SHAPE;
    expect(midnight!).toBeGreaterThan(four!);
    expect(DOUBLE_11_HOURLY_SHAPE[21]!).toBeGreaterThan(four!);
    expect(DOUBLE_11_HOURLY_SHAPE[12]!).toBeGreaterThan(DOUBLE_11_HOURLY_SHAPE[10]!); // lunch bump
  });
});

describe('the plan curve', () => {
  it('has one hour per Asia/Shanghai hour of the window and sums exactly to the target', () => {
    const curve = planCurve(double11);
    expect(curve).toHaveLength(24);
    expect(curve[0]!.from).toEqual(sh('2026-11-11T00:00:00'));
    expect(sum(curve.map((h) => h.plannedFen))).toBe(1_000_000_000);
    expect(curve.every((h) => Number.isInteger(h.plannedFen))).toBe(true);
  });

  it('plans more for midnight and 21:00 than for 04:00', () => {
    const curve = planCurve(double11);
    expect(curve[0]!.plannedFen).toBeGreaterThan(curve[4]!.plannedFen);
    expect(curve[21]!.plannedFen).toBeGreaterThan(curve[4]!.plannedFen);
  });

  it('sums exactly to an awkward target over a multi-day window with ragged edges', () => {
    const campaign: PlanCampaign = {
      startsAt: sh('2026-06-01T20:30:00'),
      endsAt: sh('2026-06-18T23:45:00'),
      gmvTargetFen: 1_000_000_007,
      hourlyShape: null,
    };
    const curve = planCurve(campaign);
    expect(sum(curve.map((h) => h.plannedFen))).toBe(1_000_000_007);
    expect(curve[0]).toMatchObject({ from: sh('2026-06-01T20:30:00'), to: sh('2026-06-01T21:00:00') });
    expect(curve.at(-1)).toMatchObject({ from: sh('2026-06-18T23:00:00'), to: sh('2026-06-18T23:45:00') });
  });

  it('weighs a partial edge hour by its overlap with the window', () => {
    const flat = Array.from({ length: 24 }, () => 1);
    const curve = planCurve({ startsAt: sh('2026-11-11T10:30:00'), endsAt: sh('2026-11-11T12:00:00'), gmvTargetFen: 300, hourlyShape: flat });
    expect(curve.map((h) => h.plannedFen)).toEqual([100, 200]);
  });

  it("follows the campaign's own hourly shape when it has one", () => {
    const onlyEvening = Array.from({ length: 24 }, (_, hour) => (hour >= 20 ? 1 : 0));
    const curve = planCurve({ ...double11, hourlyShape: onlyEvening });
    expect(curve.slice(0, 20).every((h) => h.plannedFen === 0)).toBe(true);
    expect(curve.slice(20).map((h) => h.plannedFen)).toEqual([250_000_000, 250_000_000, 250_000_000, 250_000_000]);
  });

  it('spreads evenly over time when the shape gives the whole window zero weight', () => {
    const onlyEvening = Array.from({ length: 24 }, (_, hour) => (hour >= 20 ? 1 : 0));
    const curve = planCurve({ startsAt: sh('2026-11-11T09:00:00'), endsAt: sh('2026-11-11T11:00:00'), gmvTargetFen: 1_001, hourlyShape: onlyEvening });
    expect(curve.map((h) => h.plannedFen)).toEqual([501, 500]);
  });

  it('is linear within an hour', () => {
    const curve = planCurve(double11);
    const firstHour = curve[0]!.plannedFen;
    expect(plannedFenAt(curve, sh('2026-11-11T00:30:00'))).toBe(Math.round(firstHour / 2));
    expect(plannedFenAt(curve, sh('2026-11-11T01:00:00'))).toBe(firstHour);
    expect(plannedFenAt(curve, sh('2026-11-10T23:00:00'))).toBe(0);
    expect(plannedFenAt(curve, sh('2026-11-12T08:00:00'))).toBe(1_000_000_000);
  });
});

describe('what a window weighs in its plan', () => {
  const day = (from: string, to: string, hourlyShape: number[] | null = null) => ({ startsAt: new Date(from), endsAt: new Date(to), hourlyShape });
  it('weighs a whole default day 104.8, its evening from 9:00 77.1, and a half hour half its hour', () => {
    expect(planWeight(day('2026-11-11T00:00:00+08:00', '2026-11-12T00:00:00+08:00'))).toBeCloseTo(104.8, 9);
    expect(planWeight(day('2026-11-11T09:00:00+08:00', '2026-11-12T00:00:00+08:00'))).toBeCloseTo(77.1, 9);
    expect(planWeight(day('2026-11-11T23:30:00+08:00', '2026-11-12T00:00:00+08:00'))).toBeCloseTo(3.25, 9);
    expect(planWeight(day('2026-11-01T00:00:00+08:00', '2026-11-12T00:00:00+08:00'))).toBeCloseTo(11 * 104.8, 9);
  });
  it('weighs by time where the shape gives the window nothing, as the curve spreads it', () => {
    const nights = Array.from({ length: 24 }, (_, h) => (h < 6 ? 0 : 1));
    expect(planWeight(day('2026-11-11T01:00:00+08:00', '2026-11-11T03:30:00+08:00', nights))).toBeCloseTo(2.5, 9);
  });
});

describe('plan curves are computed once per window, target and shape', () => {
  it('gives the same curve for the same campaign, and a new one once any of them changes', () => {
    const campaign = { startsAt: sh('2026-11-01T00:00:00'), endsAt: sh('2026-11-12T00:00:00'), gmvTargetFen: 7_000_000, hourlyShape: null };
    const curve = planCurve(campaign);
    expect(planCurve({ ...campaign })).toBe(curve);
    expect(planCurve({ ...campaign, gmvTargetFen: 7_000_001 })).not.toBe(curve);
    expect(planCurve({ ...campaign, hourlyShape: Array(24).fill(1) })).not.toBe(curve);
    expect(planCurve({ ...campaign, endsAt: sh('2026-11-13T00:00:00') })).toHaveLength(curve.length + 24);
    // Shared by every caller, so it holds no Date of the row it was first made from.
    const midHour = { ...campaign, startsAt: sh('2026-11-01T00:30:00'), endsAt: sh('2026-11-01T05:30:00') };
    const clipped = planCurve(midHour);
    expect(clipped[0]!.from).toEqual(midHour.startsAt);
    expect(clipped[0]!.from).not.toBe(midHour.startsAt);
    expect(clipped.at(-1)!.to).not.toBe(midHour.endsAt);
  });
});

describe('progress against plan', () => {
  it('reports pace and projects the final GMV from the planned share elapsed', () => {
    // ¥2.5M planned by now, ¥3M actual: 20% ahead, on course for ¥12M of a ¥10M target.
    expect(progressFigures({ actualFen: 300_000_000, plannedFen: 250_000_000, targetFen: 1_000_000_000, ended: false })).toEqual({
      achievementRate: 0.3,
      plannedFen: 250_000_000,
      pace: 1.2,
      projectedFen: 1_200_000_000,
      remainingFen: 700_000_000,
      requiredPace: 700_000_000 / 750_000_000, // ahead: the rest may sell at 93 % of the plan
    });
  });

  it('says what the rest of the window must sell at, against the plan, to reach the target', () => {
    // ¥10M target, ¥4M planned by now, ¥3.2M sold (pace 0.8): ¥6.8M to sell where the plan has ¥6M left.
    expect(progressFigures({ actualFen: 320_000_000, plannedFen: 400_000_000, targetFen: 1_000_000_000, ended: false }).requiredPace).toBeCloseTo(6.8 / 6, 12);
    // Before anything is planned: the whole target over the whole plan.
    expect(progressFigures({ actualFen: 0, plannedFen: 0, targetFen: 1_000_000_000, ended: false }).requiredPace).toBe(1);
    // Reached: nothing more is needed, before or after the end.
    expect(progressFigures({ actualFen: 1_000_000_000, plannedFen: 900_000_000, targetFen: 1_000_000_000, ended: false }).requiredPace).toBe(0);
    expect(progressFigures({ actualFen: 1_000_000_001, plannedFen: 1_000_000_000, targetFen: 1_000_000_000, ended: true }).requiredPace).toBe(0);
    // Short, and no time left to sell in: no multiple can say it.
    expect(progressFigures({ actualFen: 900_000_000, plannedFen: 1_000_000_000, targetFen: 1_000_000_000, ended: false }).requiredPace).toBeNull();
    expect(progressFigures({ actualFen: 900_000_000, plannedFen: 1_000_000_000, targetFen: 1_000_000_000, ended: true }).requiredPace).toBeNull();
  });

  it('has no pace or projection before anything is planned', () => {
    const figures = progressFigures({ actualFen: 0, plannedFen: 0, targetFen: 1_000_000_000, ended: false });
    expect(figures.pace).toBeNull();
    expect(figures.projectedFen).toBeNull();
    expect(figures.remainingFen).toBe(1_000_000_000);
  });

  it('does not cap achievement above target, floors the remaining amount at 0, and projects the actual once ended', () => {
    const figures = progressFigures({ actualFen: 1_250_000_000, plannedFen: 1_000_000_000, targetFen: 1_000_000_000, ended: true });
    expect(figures.achievementRate).toBe(1.25);
    expect(figures.remainingFen).toBe(0);
    expect(figures.projectedFen).toBe(1_250_000_000);
  });

  it('projects exactly in fen even when actual × target exceeds 2^53', () => {
    const figures = progressFigures({ actualFen: 4_000_000_000_000, plannedFen: 3_000_000_000_000, targetFen: 5_000_000_000_000, ended: false });
    expect(figures.projectedFen).toBe(6_666_666_666_667); // 6,666,666,666,666.67 rounded half-up
  });
});
