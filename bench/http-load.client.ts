import { Agent, request } from 'node:http';

/**
 * A closed-loop HTTP load generator in its own process (so the server's CPU is measured apart from the
 * client's): `concurrency` keep-alive connections POST the same body for `durationMs`, then it prints
 * one JSON line { requests, failures }. Node's http module, not fetch: fetch's per-request overhead
 * would cap the rate before the server does.
 *
 * usage: tsx bench/http-load.client.ts <url> <concurrency> <durationMs> <authorization|-> <body>
 */
const [url, concurrencyText, durationText, authorization, body] = process.argv.slice(2);
if (!url || !concurrencyText || !durationText || !authorization || body === undefined) {
  console.error('usage: http-load.client.ts <url> <concurrency> <durationMs> <authorization|-> <body>');
  process.exit(2);
}
const target = new URL(url);
const concurrency = Number(concurrencyText);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
if (authorization !== '-') headers.authorization = authorization;

let requests = 0;
let failures = 0;
const deadline = Date.now() + Number(durationText);

function once(): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        // A 200 with errors is a failure too: a refused or broken request must not count as throughput.
        if (res.statusCode === 200 && !text.includes('"errors"')) requests++;
        else failures++;
        resolve();
      });
    });
    req.on('error', () => {
      failures++;
      resolve();
    });
    req.end(body);
  });
}

async function loop() {
  while (Date.now() < deadline) await once();
}

await Promise.all(Array.from({ length: concurrency }, loop));
agent.destroy();
console.log(JSON.stringify({ requests, failures }));
