import type { FormattedExecutionResult } from 'graphql';
import { WebSocket } from 'ws';
import type { Socket } from 'node:net';
import type { SharedBody, SharedExecutions } from './shared-execution.js';
import type { DirectRoute } from './shared-execution.plugin.js';
import type { LiveMessage } from './ticker.js';

/**
 * One serialised payload per shared live execution, written to every socket. graphql-ws serialises
 * each `next` message itself (JSON.stringify of the whole result, per subscriber); for a result that
 * shared-execution.ts already holds as JSON, its `onNext` hook writes the message itself — the
 * subscriber's id around the cached JSON — and hands graphql-ws a placeholder that this socket class
 * drops instead of sending. graphql-ws awaits onNext, so the subscription still waits for its own
 * write to complete (a slow consumer holds back only itself; the ticker's newest-only mailbox skips
 * the ticks it missed) and messages stay in order.
 */
const ALREADY_SENT = { $peakopsSent: true } as const;
/** graphql-ws writes {id, type, payload} in that order, so the placeholder's message ends so; a real result has data/errors keys only. */
const ALREADY_SENT_SUFFIX = `,"type":"next","payload":${JSON.stringify(ALREADY_SENT)}}`;

type Data = Parameters<WebSocket['send']>[0];
type Done = (err?: Error) => void;
interface SendOptions {
  mask?: boolean;
  binary?: boolean;
  compress?: boolean;
  fin?: boolean;
}

/** graphql-ws' `next` message up to its payload, as text and bytes; the payload's JSON and a closing brace complete it. */
function nextPrefix(id: string): { text: string; bytes: Buffer } {
  const text = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  return { text, bytes: Buffer.from(text) };
}

/**
 * Writes one text frame whose payload is `prefix` then `body`, calling `done` once the socket took it. On a
 * socket without extensions (ours: the server offers no compression) the frame goes straight to the TCP
 * socket as two buffers, the frame's header with the subscriber's prefix, and the tick's body, whose bytes
 * every socket shares: nothing of the payload is copied or encoded per socket (ws would take the message as
 * a string, measure and encode it for each). Anything else — a compressing socket, a test double — gets
 * the message through `send`.
 */
export function writeNext(socket: WebSocket, prefix: { text: string; bytes: Buffer }, body: SharedBody, done: Done): void {
  // ws keeps the TCP socket as `_socket`, outside its types. Frames of ours and of ws' own sender (pings,
  // graphql-ws' other messages) stay in order: without extensions ws writes each frame at once, never queued.
  const tcp = socket instanceof SharedPayloadSocket && socket.extensions === '' ? (socket as unknown as { _socket?: Socket })._socket : undefined;
  if (!tcp) return void socket.send(`${prefix.text}${body.text}`, done);
  const length = prefix.bytes.length + body.bytes.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const head = Buffer.allocUnsafe(headerLength + prefix.bytes.length);
  head[0] = 0x81; // FIN, text
  if (headerLength === 2) head[1] = length;
  else if (headerLength === 4) {
    head[1] = 126;
    head.writeUInt16BE(length, 2);
  } else {
    head[1] = 127;
    head.writeUInt32BE(0, 2);
    head.writeUInt32BE(length, 6);
  }
  prefix.bytes.copy(head, headerLength);
  tcp.cork();
  tcp.write(head);
  tcp.write(body.bytes, (error) => done(error ?? undefined));
  tcp.uncork();
}

/** ws' WebSocket that drops graphql-ws' placeholder for a message onNext already wrote. */
export class SharedPayloadSocket extends WebSocket {
  override send(data: Data, cb?: Done): void;
  override send(data: Data, options: SendOptions, cb?: Done): void;
  override send(data: Data, optionsOrDone?: SendOptions | Done, cb?: Done): void {
    const done = typeof optionsOrDone === 'function' ? optionsOrDone : cb;
    if (typeof data === 'string' && data.endsWith(ALREADY_SENT_SUFFIX)) return void done?.();
    if (typeof optionsOrDone === 'function' || optionsOrDone === undefined) super.send(data, done);
    else super.send(data, optionsOrDone, done);
  }
}

/**
 * graphql-ws' onNext: writes `{"id":…,"type":"next","payload":<json>}` once the payload's JSON is
 * known, resolving when the socket took it; without cached JSON it leaves the message to graphql-ws.
 */
export function sendSharedNext(socket: WebSocket, id: string, body: SharedBody | undefined): Promise<FormattedExecutionResult> | undefined {
  if (body === undefined) return undefined;
  // The placeholder is typed as the result graphql-ws expects; it never reaches a client.
  const placeholder = ALREADY_SENT as unknown as FormattedExecutionResult;
  return new Promise((resolve, reject) => {
    if (socket.readyState !== WebSocket.OPEN) return resolve(placeholder);
    writeNext(socket, nextPrefix(id), body, (error) => (error ? reject(error) : resolve(placeholder)));
  });
}

/**
 * Once a subscriber's shared live message went out (the ordinary way, through graphql-ws and every
 * plugin's hooks), its later ticks skip the per-subscriber chain — the mailbox's promise, graphql-js'
 * and Yoga's result mappers, graphql-ws' loop — and are written here, straight from the ticker's loop:
 * at 10,000 subscribers that chain and its garbage were half of the ~420 ms a tick took to reach the
 * last socket (docs/BENCHMARKS.md, "Fan-out measured again"). Per subscriber it keeps what the chain
 * kept: one write at a time and only the newest tick while one is in flight (a slow consumer holds back
 * only itself), in sequence order. A result with errors goes back the ordinary way, through masking.
 */
export function divertLiveTicks(socket: WebSocket, id: string, route: DirectRoute | undefined, shared: SharedExecutions): void {
  if (!route) return;
  const prefix = nextPrefix(id);
  let writing = false;
  let newest: LiveMessage<unknown> | null = null;
  const backToIterator = (snapshot: LiveMessage<unknown>) => {
    writing = false;
    const latest = newest ?? snapshot;
    newest = null;
    route.mailbox.undivert(latest);
  };
  const write = (snapshot: LiveMessage<unknown>): void => {
    if (writing) return void (newest = snapshot);
    writing = true;
    route.run(snapshot).then(
      (result) => {
        const body = result.errors?.length ? undefined : shared.nextBody(result);
        if (body === undefined) return backToIterator(snapshot);
        if (socket.readyState !== WebSocket.OPEN) return void (writing = false);
        shared.directWrites++;
        writeNext(socket, prefix, body, () => {
          writing = false;
          const next = newest;
          newest = null;
          if (next) write(next);
        });
      },
      () => backToIterator(snapshot),
    );
  };
  route.mailbox.divert(write);
}
