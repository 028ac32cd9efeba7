import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the receiver saw it. */
export interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** PeakOps-Webhook-Id: the delivery's id, the same on every retry. */
  deliveryId: string;
}

export type Answer = { status: number; body?: string; delayMs?: number };

/**
 * A real HTTP endpoint on 127.0.0.1 for webhook tests and the benchmark: it records every request and
 * answers as told (`answer` may change mid-test). `down()` closes it (connections are refused, as from
 * a crashed receiver) and `up()` listens again on the same port.
 */
export class TestReceiver {
  readonly received: Received[] = [];
  answer: (request: Received, index: number) => Answer = () => ({ status: 200, body: '{"errcode":0,"code":0}' });
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  static async start(): Promise<TestReceiver> {
    const receiver = new TestReceiver();
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Requests per delivery id. */
  countsById(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.received) counts.set(r.deliveryId, (counts.get(r.deliveryId) ?? 0) + 1);
    return counts;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: Received = {
          url: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          deliveryId: String(req.headers['peakops-webhook-id'] ?? ''),
        };
        const index = this.received.push(request) - 1;
        const answer = this.answer(request, index);
        const reply = () => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body ?? '');
        if (answer.delayMs) setTimeout(reply, answer.delayMs);
        else reply();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
