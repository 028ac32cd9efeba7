// The worker side of bench/ingest-split.bench.ts: parses its share of a batch and makes its log texts.
import { parentPort } from 'node:worker_threads';
import { hash } from 'node:crypto';
import { canonicalPayload, parseEvent, type EventInput, type ParsedEvent } from '../server/src/modules/ingest/ingest.parse.js';

// The bench imports `share` too, to run it on the main thread: there is no parent port there.
const port = parentPort;
port?.on('message', ({ inputs, from, now }: { inputs: EventInput[]; from: number; now: Date }) => {
  port.postMessage(share(inputs, from, now));
});

/** What the ingest service's steps 1 and 3 make of events: the parsed events, and their log texts. */
export function share(inputs: EventInput[], from: number, now: Date) {
  const events: ParsedEvent[] = [];
  const payloads: string[] = [];
  const hashes: string[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const result = parseEvent(inputs[i]!, from + i, now);
    if (!('event' in result)) continue;
    const payload = JSON.stringify(canonicalPayload(result.event));
    events.push(result.event);
    payloads.push(payload);
    hashes.push(hash('sha1', payload));
  }
  return { events, payloads, hashes };
}
