/**
 * One failure is a blip (a deadlock victim, a restart of the database); this many in a row is a part that
 * is stuck. Every background part counts its own failures against it: past it, /ready names the part (or a
 * live topic tells its subscribers), and a success starts the count again.
 */
export const FAILURES_BEFORE_UNHEALTHY = 3;
