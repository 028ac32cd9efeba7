/**
 * Ingest round 19: would a worker thread shorten one producer's batch? The per-event work of a batch that
 * needs no database (zod's parse, the canonical JSON and its hash: steps 1 and 3 of the ingest service)
 * done on the main thread alone (A), against half of it on a worker thread while the main thread does the
 * other half (B), the worker's events sent and returned by postMessage (structured clone) as a real split
 * would have to. Wall time per 1,000-event batch on the bench's own stream, A and B taking turns.
 *
 * Run: npm run bench:ingest-split [-- --events 30000 --rounds 5]
 */
import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { arg, median, report } from './bench-util.js';
import { buildStream, chunks } from '../server/test/event-stream.js';
import { gid } from '../server/test/fixtures.js';
import type { EventInput } from '../server/src/modules/ingest/ingest.parse.js';
import { share } from './ingest-split.worker.js';

const EVENTS = Number(arg('events', '30000'));
const ROUNDS = Number(arg('rounds', '5'));
const now = new Date('2026-11-11T00:00:00Z');
const skus = [990, 12_900, 45_000, 3_990].map((p) => ({ gid: gid('Sku', randomUUID()), priceFen: p }));
const stream = buildStream({ seed: 7, sessions: Math.ceil(EVENTS / 1.9), start: new Date('2026-11-10T16:00:00Z'), hours: 0.25, shops: [{ gid: gid('Shop', randomUUID()), skus, campaignGid: null }] });
// As GraphQL hands them to the resolver: instants already Dates.
const batches = chunks(stream.events.slice(0, EVENTS), 1000).map((b) => b.map((e) => ({ ...e, occurredAt: new Date(e.occurredAt as string) }) as unknown as EventInput));

// The worker runs TypeScript through tsx, as this process does.
const workerFile = pathToFileURL(path.resolve(import.meta.dirname, 'ingest-split.worker.ts')).href;
const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerFile)}); })`, { eval: true });
type Share = ReturnType<typeof share>;
const fromWorker = (inputs: EventInput[], from: number) =>
  new Promise<Share>((resolve) => {
    worker.once('message', resolve);
    worker.postMessage({ inputs, from, now });
  });

async function mainAlone(batch: EventInput[]) {
  return share(batch, 0, now).events.length;
}
async function split(batch: EventInput[]) {
  const half = batch.length >> 1;
  const theirs = fromWorker(batch.slice(half), half);
  const mine = share(batch.slice(0, half), 0, now);
  const other = await theirs;
  return mine.events.length + other.events.length;
}

const timed = async (f: (b: EventInput[]) => Promise<number>) => {
  const t = performance.now();
  let n = 0;
  for (const b of batches) n += await f(b);
  if (n !== EVENTS) throw new Error(`parsed ${n} of ${EVENTS}`);
  return ((performance.now() - t) / batches.length);
};
await timed(mainAlone);
await timed(split); // warm both paths and the worker
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  if (r % 2 === 0) { a.push(await timed(mainAlone)); b.push(await timed(split)); }
  else { b.push(await timed(split)); a.push(await timed(mainAlone)); }
}
await worker.terminate();
report('ingest split (round 19)', [
  ['events, rounds', `${EVENTS}, ${ROUNDS}`],
  ['A: main thread alone, ms per 1,000 events (median)', median(a).toFixed(2)],
  ['B: half on a worker, ms per 1,000 events (median)', median(b).toFixed(2)],
  ['B / A wall time (median of rounds)', `${median(a.map((x, i) => b[i]! / x)).toFixed(2)}×`],
  ['what B would take off a batch, ms', (median(a) - median(b)).toFixed(2)],
]);
