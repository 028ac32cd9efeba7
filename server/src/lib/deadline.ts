/** A wait that gave up: what was waited for did not settle in time. */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/** `work`, or a DeadlineError with `message` once `ms` have passed (the work itself is not cancelled). */
export async function withinDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(message)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
