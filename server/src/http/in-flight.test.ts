import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InFlightResponses } from './in-flight.js';

/** A GET whose body is collected; resolves with the body once the server ends it. */
function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ port, path, host: '127.0.0.1' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve(body));
    }).on('error', reject).end();
  });
}

describe('responses in flight at a stop', () => {
  let server: Server | null = null;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('lets a request under way answer, ends event streams cleanly, and returns when the last one closes rather than at the deadline', async () => {
    const inFlight = new InFlightResponses();
    let answerSlow: () => void = () => {};
    server = createServer((req, res) => {
      inFlight.track(res);
      if (req.url === '/stream') {
        res.setHeader('content-type', 'text/event-stream'); // as Yoga's are: readable with getHeader
        res.writeHead(200);
        res.write(': open\n\n');
      } else answerSlow = () => res.end('answered');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const stream = get(port, '/stream');
    const slow = get(port, '/slow');
    await expect.poll(() => inFlight.size).toBe(2);

    const started = Date.now();
    const drained = inFlight.drain(60_000);
    expect(await stream).toBe(': open\n\n'); // ended by the drain, not cut
    setTimeout(() => answerSlow(), 50);
    expect(await slow).toBe('answered');
    await drained;
    expect(inFlight.size).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000); // the last close ended the wait, not the 60 s deadline
  });

  it('gives up at the deadline when a request never answers', async () => {
    const inFlight = new InFlightResponses();
    server = createServer((_req, res) => inFlight.track(res));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    void get(port, '/never').catch(() => {});
    await expect.poll(() => inFlight.size).toBe(1);
    await inFlight.drain(200);
    expect(inFlight.size).toBe(1);
  });
});
