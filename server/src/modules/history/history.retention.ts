import { DAY_MS } from '../../lib/time.js';
/**
 * How long history is kept (RETENTION_* in env.ts). Minute rollups serve only the ragged minute edges
 * of a metrics window (metrics.window.ts); past their horizon a window's figures come from its whole
 * hours and days, whose rows are kept forever (they are few: 24 + 1 per day and dimension combination).
 */
export interface RetentionSettings {
  /** Minute rollups (metric_rollups and sku_rollups) are kept at least this many days. */
  minuteRollupsDays: number;
  /** Raw events and their idempotency keys are kept at least this many days; null keeps them forever. */
  eventsDays: number | null;
}

/** The production defaults, as env.ts parses them when nothing is set. */
export const DEFAULT_RETENTION: RetentionSettings = { minuteRollupsDays: 90, eventsDays: null };


/** Rows older than this instant may be gone (whole months of them are dropped once entirely older). */
export function horizon(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/**
 * Minute rollups before this instant are gone, or go at the next run of the history job: retention
 * drops a UTC month of them once its last instant is older than the horizon (history.partitions.ts),
 * so what survives starts at the month holding the horizon.
 */
export function minuteRollupsKeptFrom(now: Date, settings: Pick<RetentionSettings, 'minuteRollupsDays'>): Date {
  const at = horizon(now, settings.minuteRollupsDays);
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/**
 * Events that occurred before this instant are refused by ingestion: their idempotency keys are
 * deleted with them, so a replay could no longer be recognised and would be counted twice. Null: none.
 */
export function eventsHorizon(now: Date, settings: Pick<RetentionSettings, 'eventsDays'>): Date | null {
  return settings.eventsDays === null ? null : horizon(now, settings.eventsDays);
}
