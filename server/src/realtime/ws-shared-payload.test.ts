import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SharedExecutions } from './shared-execution.js';
import type { DirectRoute } from './shared-execution.plugin.js';
import { Mailbox, type Snapshot } from './ticker.js';
import { divertLiveTicks } from './ws-shared-payload.js';

/** A socket whose writes complete only when the test says so: a consumer as slow as the test wants. */
function slowSocket() {
  const written: string[] = [];
  const pending: (() => void)[] = [];
  const socket = {
    readyState: WebSocket.OPEN,
    send: (data: string, done: () => void) => {
      written.push(data);
      pending.push(done);
    },
  } as unknown as WebSocket;
  return { socket, written, flush: () => pending.splice(0).forEach((done) => done()) };
}

const snapshot = (sequence: number): Snapshot<unknown> => ({ sequence, asOf: new Date(0), value: { sequence } });
const settle = () => new Promise((resolve) => setImmediate(resolve));

function route(shared: SharedExecutions, result: (payload: { sequence: number }) => ExecutionResult) {
  const mailbox = new Mailbox<unknown>(() => {});
  const direct: DirectRoute = { mailbox, run: (payload) => shared.run(payload, 'key', () => result((payload as Snapshot<{ sequence: number }>).value)) };
  return { mailbox, direct };
}

describe('live ticks written straight to a socket', () => {
  it('writes one tick at a time, and keeps only the newest while a write is in flight', async () => {
    const shared = new SharedExecutions();
    const { mailbox, direct } = route(shared, (v) => ({ data: { n: v.sequence } }));
    const { socket, written, flush } = slowSocket();
    divertLiveTicks(socket, 'sub-1', direct, shared);
    mailbox.deliver(snapshot(1));
    await settle();
    mailbox.deliver(snapshot(2));
    mailbox.deliver(snapshot(3));
    await settle();
    expect(written).toEqual(['{"id":"sub-1","type":"next","payload":{"data":{"n":1}}}']);
    flush();
    await settle();
    expect(written.at(-1)).toBe('{"id":"sub-1","type":"next","payload":{"data":{"n":3}}}');
    expect(written).toHaveLength(2);
    expect(shared.directWrites).toBe(2);
  });

  it('hands a result with errors back to the iterator, where error masking sees it', async () => {
    const shared = new SharedExecutions();
    const { mailbox, direct } = route(shared, () => ({ data: null, errors: [{ message: 'internal detail' }] as never }));
    const { socket, written } = slowSocket();
    divertLiveTicks(socket, 'sub-1', direct, shared);
    const next = mailbox.next();
    mailbox.deliver(snapshot(7));
    expect((await next).value).toEqual(snapshot(7));
    expect(written).toEqual([]);
    // Back on the iterator: the next tick waits there too, until a clean result diverts it again.
    mailbox.deliver(snapshot(8));
    expect((await mailbox.next()).value).toEqual(snapshot(8));
  });

  it('writes nothing once the subscription is closed', async () => {
    const shared = new SharedExecutions();
    const { mailbox, direct } = route(shared, (v) => ({ data: { n: v.sequence } }));
    const { socket, written } = slowSocket();
    divertLiveTicks(socket, 'sub-1', direct, shared);
    mailbox.close();
    mailbox.deliver(snapshot(1));
    await settle();
    expect(written).toEqual([]);
  });
});
