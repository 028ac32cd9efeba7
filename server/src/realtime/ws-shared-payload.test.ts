import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { SharedExecutions } from './shared-execution.js';
import type { DirectRoute } from './shared-execution.plugin.js';
import { Mailbox, type Snapshot } from './ticker.js';
import { divertLiveTicks, SharedPayloadSocket, writeNext } from './ws-shared-payload.js';

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

describe('frames written straight to the TCP socket', () => {
  it('reach a WebSocket client whole, in order with the frames ws writes itself, at every length encoding and in UTF-8', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', WebSocket: SharedPayloadSocket });
    await new Promise((resolve) => server.once('listening', resolve));
    const accepted = new Promise<SharedPayloadSocket>((resolve) => server.once('connection', (socket) => resolve(socket as SharedPayloadSocket)));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const received: string[] = [];
    const pinged = new Promise((resolve) => client.once('ping', resolve));
    client.on('message', (data, isBinary) => void received.push(isBinary ? '(binary)' : data.toString()));
    const socket = await accepted;
    const shared = new SharedExecutions();
    // Payloads under 126 bytes, up to 65,535 and over it: the three header forms; Chinese text is 3 bytes a character.
    const bodies = ['{"data":{"n":1}}', `{"data":{"name":"${'天猫旗舰店'.repeat(40)}"}}`, `{"data":{"list":"${'x'.repeat(70_000)}"}}`];
    const results = bodies.map((text) => shared.run({}, 'k', () => JSON.parse(text)));
    const prefix = (id: string) => ({ text: `{"id":"${id}","type":"next","payload":`, bytes: Buffer.from(`{"id":"${id}","type":"next","payload":`) });
    const written: Promise<void>[] = [];
    for (const [i, result] of results.entries()) {
      const body = shared.nextBody(await result)!;
      written.push(new Promise((resolve, reject) => writeNext(socket, prefix(`s${i}`), body, (error) => (error ? reject(error) : resolve()))));
      socket.send(`{"type":"between","n":${i}}`); // ws' own frame after ours
    }
    socket.ping();
    await Promise.all(written);
    await pinged;
    await expect.poll(() => received.length).toBe(6);
    expect(received.map((text) => JSON.parse(text))).toEqual([
      { id: 's0', type: 'next', payload: { data: { n: 1 } } },
      { type: 'between', n: 0 },
      { id: 's1', type: 'next', payload: { data: { name: '天猫旗舰店'.repeat(40) } } },
      { type: 'between', n: 1 },
      { id: 's2', type: 'next', payload: { data: { list: 'x'.repeat(70_000) } } },
      { type: 'between', n: 2 },
    ]);
    expect(shared.serialisations).toBe(3);
    client.close();
    await new Promise((resolve) => server.close(resolve));
  });
});
