import type { FormattedExecutionResult } from 'graphql';
import { WebSocket } from 'ws';

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
export function sendSharedNext(socket: WebSocket, id: string, json: string | undefined): Promise<FormattedExecutionResult> | undefined {
  if (json === undefined) return undefined;
  // The placeholder is typed as the result graphql-ws expects; it never reaches a client.
  const placeholder = ALREADY_SENT as unknown as FormattedExecutionResult;
  return new Promise((resolve, reject) => {
    if (socket.readyState !== WebSocket.OPEN) return resolve(placeholder);
    socket.send(`{"id":${JSON.stringify(id)},"type":"next","payload":${json}}`, (error) => (error ? reject(error) : resolve(placeholder)));
  });
}
