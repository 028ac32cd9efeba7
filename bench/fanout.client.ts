/**
 * A fan-out benchmark client process: opens `count` connections, each subscribed to the campaign's
 * liveMetrics — over graphql-ws (`ws`, the default) or GraphQL over SSE (`sse`, one HTTP request per
 * subscriber) — and reports to the parent when each connection first sees `orders = k`, and how long after
 * the tick that computed it (the message's `asOf`) it arrived.
 * Every connection authenticates with the credential in PEAKOPS_API_KEY (fanout.bench.ts sets it).
 * `light` WebSocket subscribers speak graphql-ws themselves and read `orders` and `asOf` from a message's text
 * (the first of each: the selection puts the top-level ones first) instead of parsing its JSON, so the clients
 * spend less of the two cores the server shares with them.
 */
import { Agent, request } from 'node:http';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { TodayMetricsSubscription } from '../client/src/features/war-room/war-room.documents.js';

const [url, countText, campaignId, transport = 'ws', document = 'small', reader = 'full'] = process.argv.slice(2);
const count = Number(countText);
const credential = process.env.PEAKOPS_API_KEY;
if (!credential) throw new Error('fanout.client: PEAKOPS_API_KEY (the credential to connect with) is not set');
const connectionParams = { authorization: `Bearer ${credential}` };
// `small`: four fields; `screen`: the war room's own today stream (~4 KB a message), as a real screen sends it.
const query =
  document === 'screen'
    ? print(TodayMetricsSubscription)
    : `subscription ($campaignId: ID!) { liveMetrics(scope: { campaignId: $campaignId }) { sequence asOf metrics { orders gmv } } }`;
let ready = 0;
const seen = new Map<number, number[]>(); // orders value → receive times (ms since epoch)
const sinceTick = new Map<number, number[]>(); // orders value → ms from the tick's asOf to receipt (same machine's clock)
interface Message {
  asOf: string;
  metrics: { orders: number };
}

/** One subscriber's handler: the first message is the snapshot, later ones are timed by their orders count. */
function receiver() {
  let first = true;
  return (message: Message) => {
    const now = Date.now();
    if (first) {
      first = false;
      if (++ready === count) process.send?.({ type: 'ready' });
      return;
    }
    const orders = message.metrics.orders;
    const list = seen.get(orders) ?? [];
    list.push(now);
    seen.set(orders, list);
    const delays = sinceTick.get(orders) ?? [];
    delays.push(now - Date.parse(message.asOf));
    sinceTick.set(orders, delays);
  };
}
const fail = (error: unknown) => {
  const text = error instanceof Error ? error.message : typeof error === 'object' ? JSON.stringify(error) : String(error);
  if (process.connected) process.send?.({ type: 'error', error: text.slice(0, 500) });
};

/** The largest message a subscriber received, in bytes as sent (the payload's size is what the server writes per tick). */
let messageBytes = 0;
/** ws' WebSocket, measuring what it receives (graphql-ws parses the messages itself). */
class MeasuredWebSocket extends WebSocket {
  constructor(address: string, protocols?: string | string[]) {
    super(address, protocols);
    this.on('message', (data: Buffer) => void (messageBytes = Math.max(messageBytes, data.length)));
  }
}

function subscribeWs(received: (message: Message) => void) {
  const client = createClient({ url: url!, webSocketImpl: MeasuredWebSocket, connectionParams, retryAttempts: 5, lazy: false });
  client.subscribe<{ liveMetrics: Message }>(
    { query, variables: { campaignId } },
    { next: (result) => (result.data ? received(result.data.liveMetrics) : fail(result)), error: fail, complete: () => {} },
  );
}

const ORDERS = /"orders":(\d+)/;
const AS_OF = /"asOf":"([^"]+)"/;
/** graphql-ws by hand (graphql-transport-ws): init, subscribe once acknowledged, answer pings, time each `next`. */
function subscribeLight(received: (message: Message) => void, attempt = 0) {
  const socket = new WebSocket(url!, 'graphql-transport-ws');
  let opened = false;
  socket.on('open', () => {
    opened = true;
    socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams }));
  });
  socket.on('message', (data: Buffer) => {
    messageBytes = Math.max(messageBytes, data.length);
    const text = data.toString();
    if (text.slice(0, 40).includes('"type":"next"')) {
      const orders = ORDERS.exec(text);
      const asOf = AS_OF.exec(text);
      if (!orders || !asOf) return fail(text.slice(0, 300));
      return received({ asOf: asOf[1]!, metrics: { orders: Number(orders[1]) } });
    }
    const message = JSON.parse(text) as { type: string; payload?: unknown };
    if (message.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: { campaignId } } }));
    else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    else if (message.type !== 'pong') fail(message);
  });
  socket.on('error', (error) => {
    // A reset while 10,000 sockets open at once: tried again, as graphql-ws' client does.
    if (!opened && attempt < 5) setTimeout(() => subscribeLight(received, attempt + 1), 500 * (attempt + 1));
    else fail(error);
  });
}

const sseAgent = new Agent({ keepAlive: false, maxSockets: Infinity });
/** GraphQL over SSE ("distinct connections" mode, as Yoga serves it): `event: next` blocks of `data:` JSON. */
function subscribeSse(received: (message: Message) => void) {
  const body = JSON.stringify({ query, variables: { campaignId } });
  const req = request(url!.replace(/^ws/, 'http'), {
    method: 'POST',
    agent: sseAgent,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: connectionParams.authorization, 'content-length': Buffer.byteLength(body) },
  }, (res) => {
    if (res.statusCode !== 200) return fail(`SSE status ${res.statusCode}`);
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((line) => line.startsWith('data:'));
        if (block.startsWith('event: next') && data) {
          messageBytes = Math.max(messageBytes, Buffer.byteLength(block));
          received(JSON.parse(data.slice(5)).data.liveMetrics as Message);
        }
      }
    });
  });
  req.on('error', fail);
  req.end(body);
}

for (let i = 0; i < count; i++) {
  if (transport === 'sse') subscribeSse(receiver());
  else if (reader === 'light') subscribeLight(receiver());
  else subscribeWs(receiver());
  // Pace connection opening so the server's accept queue is not flooded.
  if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 100));
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'report') {
    process.send?.({ type: 'report', seen: [...seen.entries()], sinceTick: [...sinceTick.entries()], messageBytes });
  }
});
