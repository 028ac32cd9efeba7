import { Agent, fetch, type Response } from 'undici';
import type { AttemptOutcome } from './webhook.delivery.js';
import { robotRefusal, type EndpointToRender, type RenderedRequest } from './webhook.formats.js';
import { ADDRESS_REFUSED, checkWebhookUrlWithoutLookup, publicOnlyLookup, type Resolve } from './webhook.url.js';

export interface WebhookSenderOptions {
  /** Send to private and loopback addresses too (WEBHOOK_ALLOW_PRIVATE_URLS; tests). */
  allowPrivateUrls: boolean;
  /** Per request, headers and body included (default 10 s). */
  fetchTimeoutMs?: number;
  /** How host names resolve (default the system resolver); tests answer differently from call to call. */
  resolve?: Resolve;
  now: () => Date;
}

/** One request to an endpoint at a time, with the URL policy applied at send time; what the dispatcher and testWebhook send with. */
export interface WebhookSender {
  readonly fetchTimeoutMs: number;
  /** Sends what `render` makes as of the send time; never throws: a failure is the outcome's error. */
  send(endpoint: EndpointToRender, render: (sentAt: Date) => RenderedRequest): Promise<AttemptOutcome>;
  close(): Promise<void>;
}

/** Enough of an answer to show why a robot refused; the rest is not read. */
const MAX_ANSWER_BYTES = 16 * 1024;

async function readAnswer(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_ANSWER_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES);
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timed out after ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
  // The connection's lookup refused the host: nothing left this server, as with an address refused before connecting.
  if (cause && (cause as NodeJS.ErrnoException).code === ADDRESS_REFUSED) return `not sent: ${cause.message}`.slice(0, 500);
  return `${error instanceof Error ? error.message : String(error)}${cause ? `: ${cause.message}` : ''}`.slice(0, 500);
}

export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 10_000;
  // The connections' own name lookups refuse private addresses, and they are the only lookup a send makes:
  // the addresses checked are the ones connected to. A check that resolved the name before the send would
  // let a name re-pointed between it and the connection through (DNS rebinding), and cost a second query.
  const agent = new Agent(options.allowPrivateUrls ? {} : { connect: { lookup: publicOnlyLookup(options.resolve) } });

  async function send(endpoint: EndpointToRender, render: (sentAt: Date) => RenderedRequest): Promise<AttemptOutcome> {
    const attemptedAt = options.now();
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null;
    try {
      // Checked again at send time: an address in the URL here, a host name by the connection's lookup,
      // which resolves it once per connection (the name may point elsewhere than when it was saved).
      const refused = checkWebhookUrlWithoutLookup(endpoint.url, { allowPrivate: options.allowPrivateUrls });
      if (refused !== null && !(refused instanceof URL)) {
        error = `not sent: ${refused.message}`;
      } else {
        const request = render(attemptedAt);
        // No redirects: a 3xx could lead to an address the check above would have refused.
        const response = await fetch(request.url, {
          method: 'POST',
          headers: request.headers,
          body: request.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(fetchTimeoutMs),
          dispatcher: agent,
        });
        statusCode = response.status;
        const answer = await readAnswer(response);
        error =
          response.status >= 200 && response.status < 300
            ? robotRefusal(endpoint.format, answer)
            : `HTTP ${response.status}${answer ? `: ${answer.slice(0, 300)}` : ''}`;
      }
    } catch (failure) {
      error = describeError(failure, fetchTimeoutMs);
    }
    return { attemptedAt, statusCode, error, durationMs: Math.round(performance.now() - started) };
  }

  return { fetchTimeoutMs, send, close: () => agent.close() };
}
