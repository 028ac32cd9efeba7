/**
 * The day's minute line: the full series loaded by query, with the live stream's recent minutes laid
 * over it (same `at`, newer figures). Before the full series arrives, the recent minutes alone.
 */
export function mergeTail<P extends { at: string }>(base: readonly P[], tail: readonly P[]): readonly P[] {
  if (base.length === 0) return tail;
  if (tail.length === 0) return base;
  const recent = new Map(tail.map((p) => [p.at, p]));
  return base.map((p) => recent.get(p.at) ?? p);
}
