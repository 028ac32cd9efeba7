/**
 * True when `error` (or an error it wraps, as drizzle does) is PostgreSQL's unique violation on the
 * named constraint. A check-then-insert can lose a race; the unique index is the real guard, and
 * this lets a service turn that loss into the same CONFLICT userError the check would have given.
 * postgres-js names the constraint `constraint_name`, PGlite `constraint`.
 */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, constraint_name: constraintName, constraint: pgliteConstraint, cause } = e as Record<string, unknown>;
    if (code === '23505') return constraintName === constraint || pgliteConstraint === constraint;
    e = cause;
  }
  return false;
}
