import type { ServerResponse } from 'node:http';

/** How often a drain looks for event streams opened meanwhile (a stream's type is known only once its headers are set). */
const STREAM_SWEEP_MS = 100;

const isEventStream = (res: ServerResponse) => String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');

/** The responses not yet finished, so that a stop can let them finish before closing their sockets. */
export class InFlightResponses {
  private readonly open = new Set<ServerResponse>();
  private wake: (() => void) | null = null;

  track(res: ServerResponse): void {
    this.open.add(res);
    res.once('close', () => {
      this.open.delete(res);
      this.wake?.();
    });
  }

  get size(): number {
    return this.open.size;
  }

  /**
   * Lets the requests under way finish, at most `ms`: an ingest batch or a mutation answers (behind nginx a
   * cut socket is a 502 for a change that may have committed). Returns as soon as the last one closes.
   * Event streams never finish by themselves: they are ended, cleanly, as they are found (one may open on a
   * kept-alive connection meanwhile), and their clients reconnect to another instance.
   */
  async drain(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      for (const res of this.open) if (!res.writableEnded && isEventStream(res)) res.end();
      const left = deadline - Date.now();
      if (this.open.size === 0 || left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, STREAM_SWEEP_MS));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = null;
    }
  }
}
