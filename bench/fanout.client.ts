/**
 * A fan-out benchmark client process: opens `count` graphql-ws connections, each subscribed to the
 * campaign's liveMetrics, and reports to the parent when each connection first sees `orders = k`.
 * Every connection authenticates with the credential in PEAKOPS_API_KEY (fanout.bench.ts sets it).
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, countText, campaignId] = process.argv.slice(2);
const count = Number(countText);
const credential = process.env.PEAKOPS_API_KEY;
if (!credential) throw new Error('fanout.client: PEAKOPS_API_KEY (the credential to connect with) is not set');
const connectionParams = { authorization: `Bearer ${credential}` };
const query = `subscription ($c: ID!) { liveMetrics(scope: { campaignId: $c }) { sequence metrics { orders gmv } } }`;
let ready = 0;
const seen = new Map<number, number[]>(); // orders value → receive times (ms since epoch)

for (let i = 0; i < count; i++) {
  const client = createClient({ url: url!, webSocketImpl: WebSocket, connectionParams, retryAttempts: 5, lazy: false });
  let first = true;
  client.subscribe<{ liveMetrics: { metrics: { orders: number } } }>(
    { query, variables: { c: campaignId } },
    {
      next: (result) => {
        const now = Date.now();
        if (first) {
          first = false;
          if (++ready === count) process.send?.({ type: 'ready' });
          return;
        }
        const orders = result.data!.liveMetrics.metrics.orders;
        const list = seen.get(orders) ?? [];
        list.push(now);
        seen.set(orders, list);
      },
      error: (error) => process.send?.({ type: 'error', error: String(error) }),
      complete: () => {},
    },
  );
  // Pace connection opening so the server's accept queue is not flooded.
  if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 50));
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'report') {
    process.send?.({ type: 'report', seen: [...seen.entries()] });
  }
});
