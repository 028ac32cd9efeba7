/**
 * A live tick written to every WebSocket subscriber, two ways, side by side on the same sockets:
 * A (writeNext, realtime/ws-shared-payload.ts): the tick's message body encoded once, each socket sent a
 *   frame header with its subscriber's prefix and that shared body, straight to the TCP socket;
 * B (the code before): each socket sent `prefix + json` as a string through ws, which measures and encodes it
 *   for every socket.
 * Per tick: the server's CPU (user + system, which includes the kernel's loopback delivery) and the time from
 * the start of the tick's writes until the client process had the message on every socket. The clients run in
 * one process on the same machine; they only count messages. A and B take turns going first.
 *
 * Run: npm run bench:ws-frames [-- --sockets 5000 --ticks 20 --bytes 100,3000]
 */
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { SharedExecutions } from '../server/src/realtime/shared-execution.js';
import { SharedPayloadSocket, writeNext } from '../server/src/realtime/ws-shared-payload.js';
import { arg, median, report } from './bench-util.js';

const SOCKETS = Number(arg('sockets', '5000'));
const TICKS = Number(arg('ticks', '20'));
const SIZES = arg('bytes', '100,3000').split(',').map(Number);

const server = new WebSocketServer({ port: 0, host: '127.0.0.1', WebSocket: SharedPayloadSocket, backlog: 4096 });
await new Promise((resolve) => server.once('listening', resolve));
const sockets: WebSocket[] = [];
server.on('connection', (socket) => void sockets.push(socket));
const clients = fork(path.resolve(import.meta.dirname, 'ws-frames.client.mjs'), [`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, String(SOCKETS)]);
const waiting = new Map<number, (at: number) => void>();
await new Promise<void>((resolve, reject) => {
  clients.on('message', (message: { type: string; tick?: number; at?: number; error?: string }) => {
    if (message.type === 'ready') resolve();
    else if (message.type === 'tick') waiting.get(message.tick!)?.(message.at!);
    else reject(new Error(message.error));
  });
});
while (sockets.length < SOCKETS) await new Promise((resolve) => setTimeout(resolve, 10));

/** A live result of about `bytes` bytes of JSON, new each tick as a tick's execution is. */
const result = (tick: number, bytes: number) => ({ data: { liveMetrics: { sequence: tick, asOf: new Date().toISOString(), metrics: { orders: tick, gmv: `${tick}.00` }, note: '天猫'.repeat(Math.max(0, Math.floor((bytes - 110) / 6))) } } });

let tickNumber = 0;
/** One tick to every socket; resolves with the server's CPU ms and the ms until every socket's message arrived. */
async function tick(mode: 'A' | 'B', bytes: number): Promise<{ cpu: number; wall: number }> {
  const n = ++tickNumber;
  const arrived = new Promise<number>((resolve) => waiting.set(n, resolve));
  const shared = new SharedExecutions();
  const executed = await shared.run({}, 'k', () => result(n, bytes));
  const cpuBefore = process.cpuUsage();
  const start = performance.timeOrigin + performance.now();
  let written = 0;
  const done = new Promise<void>((resolve) => {
    const wrote = () => void (++written === SOCKETS && resolve());
    if (mode === 'A') {
      const body = shared.nextBody(executed)!;
      for (let i = 0; i < SOCKETS; i++) {
        const text = `{"id":"${n}:${i}","type":"next","payload":`;
        writeNext(sockets[i]!, { text, bytes: Buffer.from(text) }, body, wrote);
      }
    } else {
      const json = shared.json(executed)!;
      for (let i = 0; i < SOCKETS; i++) sockets[i]!.send(`{"id":"${n}:${i}","type":"next","payload":${json}}`, wrote);
    }
  });
  await done;
  const cpu = process.cpuUsage(cpuBefore);
  const at = await arrived;
  waiting.delete(n);
  return { cpu: (cpu.user + cpu.system) / 1000, wall: at - start };
}

for (const bytes of SIZES) {
  for (let i = 0; i < 3; i++) await tick(i % 2 ? 'A' : 'B', bytes); // warm up both
  const figures: Record<'A' | 'B', { cpu: number[]; wall: number[] }> = { A: { cpu: [], wall: [] }, B: { cpu: [], wall: [] } };
  for (let round = 0; round < TICKS; round++) {
    for (const mode of round % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
      const { cpu, wall } = await tick(mode, bytes);
      figures[mode].cpu.push(cpu);
      figures[mode].wall.push(wall);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const a = { cpu: median(figures.A.cpu), wall: median(figures.A.wall) };
  const b = { cpu: median(figures.B.cpu), wall: median(figures.B.wall) };
  report(`ws frames: ${SOCKETS} sockets, a ~${bytes}-byte result, ${TICKS} ticks each`, [
    ['A writeNext: server CPU ms per tick (median)', a.cpu.toFixed(1)],
    ['B ws.send of a string: server CPU ms per tick (median)', b.cpu.toFixed(1)],
    ['A: ms until every socket had the tick (median)', a.wall.toFixed(1)],
    ['B: ms until every socket had the tick (median)', b.wall.toFixed(1)],
    ['B / A server CPU', `${(b.cpu / a.cpu).toFixed(2)}×`],
    ['B / A until the last socket', `${(b.wall / a.wall).toFixed(2)}×`],
  ]);
}
clients.kill();
server.close();
process.exit(0);
