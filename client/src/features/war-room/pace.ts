/**
 * How a pace reads on the wall, for the hero and each shop's part alike: on plan or ahead green, within
 * 10 % of it amber, further behind red; nothing planned yet is neutral.
 */
export function paceTone(pace: number | null): 'good' | 'warn' | 'bad' | 'neutral' {
  if (pace === null) return 'neutral';
  return pace >= 1 ? 'good' : pace >= 0.9 ? 'warn' : 'bad';
}

/**
 * How the pace the rest must sell at reads: at or under the plan green (reached: 0), up to 10 % over it
 * amber, more red; null (ended short, or no planned hour left) neutral.
 */
export function requiredTone(required: number | null): 'good' | 'warn' | 'bad' | 'neutral' {
  if (required === null) return 'neutral';
  return required <= 1 ? 'good' : required <= 1.1 ? 'warn' : 'bad';
}

/** Worst pace first (the shop holding the campaign back on top), nothing planned last, ties by name. */
export function byWorstPace<T extends { shop: { name: string }; progress: { pace: number | null } }>(parts: readonly T[]): T[] {
  const rank = (pace: number | null) => (pace === null ? Number.POSITIVE_INFINITY : pace);
  return [...parts].sort((a, b) => rank(a.progress.pace) - rank(b.progress.pace) || a.shop.name.localeCompare(b.shop.name, 'zh-CN'));
}
