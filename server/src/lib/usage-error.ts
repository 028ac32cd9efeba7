/** A bad command line (simulate, users): the message says what is wrong, and the process exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
