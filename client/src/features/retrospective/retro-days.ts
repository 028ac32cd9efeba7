import { decimalToFen } from '../../lib/decimal';
import { shanghaiDate } from '../../lib/shanghai-day';
import type { Retrospective } from './retrospective.documents';

export type RetroHour = Retrospective['hours'][number];

export interface RetroDay {
  date: string;
  plannedFen: number;
  /** null when no hour of the day has started. */
  actualFen: number | null;
  /** At the end of the day's last started hour (or planned, for a day not started). */
  cumulativePlannedFen: number;
  cumulativeActualFen: number | null;
  hours: RetroHour[];
}

/** The hours grouped by Asia/Shanghai day, summed exactly in fen: an 18-day campaign reads as 18 lines, each opening to its hours. */
export function byDay(hours: readonly RetroHour[]): RetroDay[] {
  const days: RetroDay[] = [];
  for (const hour of hours) {
    const date = shanghaiDate(Date.parse(hour.at));
    let day = days.at(-1);
    if (!day || day.date !== date) days.push((day = { date, plannedFen: 0, actualFen: null, cumulativePlannedFen: 0, cumulativeActualFen: null, hours: [] }));
    day.hours.push(hour);
    day.plannedFen += decimalToFen(hour.plannedGmv);
    day.cumulativePlannedFen = decimalToFen(hour.cumulativePlannedGmv);
    if (hour.actualGmv !== null) day.actualFen = (day.actualFen ?? 0) + decimalToFen(hour.actualGmv);
    if (hour.cumulativeActualGmv !== null) day.cumulativeActualFen = decimalToFen(hour.cumulativeActualGmv);
  }
  return days;
}

/** Actual against planned so far (1 = on plan); null before anything was planned or happened. */
export const pace = (actualFen: number | null, plannedFen: number) => (actualFen === null || plannedFen === 0 ? null : actualFen / plannedFen);
