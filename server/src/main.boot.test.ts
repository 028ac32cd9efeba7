import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { availableBackends } from '../test/backends.js';
import { gqlAt, startServerProcess, type ServerProcess } from '../test/server-process.js';
import { openDatabase, type DatabaseKind } from './db/client.js';
import { rows } from './db/rows.js';
import { demoConsistency } from './demo/demo.consistency.js';

const DEMO_QUERY = `{
  campaigns(first: 5) { edges { node { name status gmvTarget milestones { name riskLevel } } } }
  shops { totalCount }
  orders { totalCount }
  paid: orders(filter: { statuses: [PAID] }) { totalCount }
  products { totalCount }
}`;
const PAID_ORDERS = '{ orders(filter: { statuses: [PAID] }) { totalCount } }';

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 150_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Opens the database a stopped server left behind, as the next start would. */
async function consistencyOf(kind: DatabaseKind, env: Record<string, string>) {
  const database = await openDatabase(kind === 'pglite' ? { kind, dataDir: env.DATA_DIR! } : { kind, url: env.DATABASE_URL! });
  try {
    const [span] = await rows<{ days: number }>(
      database.db,
      sql`select count(distinct (placed_at at time zone 'Asia/Shanghai')::date)::int as days from orders`,
    );
    return { ...(await demoConsistency(database.db)), days: span!.days };
  } finally {
    await database.close();
  }
}

/** What `npm start` promises a newcomer, on each backend: a demo that loads once, comes alive and survives restarts. */
for (const kind of availableBackends()) {
  describe(`npm start [${kind}]`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    async function backendEnv(): Promise<Record<string, string>> {
      if (kind === 'pglite') {
        const dir = mkdtempSync(path.join(tmpdir(), 'peakops-data-'));
        cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
        return { DATA_DIR: dir };
      }
      const adminUrl = inject('postgresUrl')!;
      const name = `peakops_boot_${Date.now()}`;
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      cleanups.push(async () => {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      });
      return { DATABASE_URL: adminUrl.replace(/\/[^/]*$/, `/${name}`) };
    }

    async function start(env: Record<string, string>): Promise<ServerProcess> {
      const server = await startServerProcess(env);
      cleanups.push(() => void server.child.kill('SIGKILL'));
      return server;
    }

    it('serves the demo Double 11 campaign, ingests its history once, keeps it across restarts and comes alive', async () => {
      const env = await backendEnv();
      // The simulator would keep adding orders; the restart comparison needs a still database.
      const first = await start({ ...env, SIMULATOR_RATE: '0' });
      await waitFor('the demo history', () => first.output().includes('demo history loaded'));
      const before = await gqlAt(first.url, DEMO_QUERY);
      expect(before.errors).toBeUndefined();
      const campaigns = before.data.campaigns.edges.map((e: { node: unknown }) => e.node);
      const active = campaigns.find((c: { status: string }) => c.status === 'ACTIVE');
      expect(active.name).toContain('双11');
      expect(Number(active.gmvTarget)).toBeGreaterThan(0);
      expect(active.milestones.map((m: { riskLevel: string }) => m.riskLevel)).toContain('HIGH');
      expect(before.data.shops.totalCount).toBeGreaterThanOrEqual(4);
      expect(before.data.orders.totalCount).toBeGreaterThan(1000);
      expect(await first.stop()).toBe(0);

      // Metrics over the past days agree with the orders a user can list, to the fen.
      const history = await consistencyOf(kind, env);
      expect(history.days).toBeGreaterThanOrEqual(29);
      expect(history.rollupGmvFen).toBeGreaterThan(0);
      expect(history.rollupGmvFen).toBe(history.paidOrdersGmvFen);
      expect(history.rollupOrdersPaid).toBe(history.paidOrders);
      expect([history.spendMismatches, history.ordersWithoutEvents]).toEqual([0, 0]);

      const second = await start({ ...env, SIMULATOR_RATE: '0' });
      const after = await gqlAt(second.url, DEMO_QUERY);
      expect(after.data).toEqual(before.data);
      // /ready can answer before the log line has come through the pipe (pino writes asynchronously): wait for it.
      await expect.poll(() => second.output(), { timeout: 10_000 }).toContain('demo not loaded');
      expect(second.output()).not.toContain('demo history loaded');
      expect(await second.stop()).toBe(0);

      // With the simulator on, orders keep arriving through ingestion, and still add up.
      const live = await start({ ...env, SIMULATOR_RATE: '300' });
      await waitFor('simulated payments', async () => (await gqlAt(live.url, PAID_ORDERS)).data.orders.totalCount > before.data.paid.totalCount + 20, 60_000);
      expect(await live.stop()).toBe(0);
      expect(live.output()).toContain('simulator: sending about 300 events/s');
      const alive = await consistencyOf(kind, env);
      expect(alive.paidOrders).toBeGreaterThan(history.paidOrders);
      expect(alive.rollupGmvFen).toBe(alive.paidOrdersGmvFen);
      expect(alive.spendMismatches).toBe(0);
    }, 300_000);
  });
}

describe('start-up configuration', () => {
  it('refuses to start with a bad setting and names it', async () => {
    await expect(startServerProcess({ LOG_LEVEL: 'chatty' })).rejects.toThrow(/LOG_LEVEL="chatty"/);
    await expect(startServerProcess({ SIMULATOR_RATE: 'lots' })).rejects.toThrow(/SIMULATOR_RATE="lots"/);
  }, 120_000); // two cold tsx start-ups; slow when the machine is busy

  it('exits 1 and says so when the database takes connections but never answers, instead of waiting for ever', async () => {
    // A host that accepts and then says nothing, as a firewall that drops packets looks to a client.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const started = startServerProcess({ DATABASE_URL: `postgres://peakops:secret@127.0.0.1:${port}/peakops`, DATABASE_CONNECT_TIMEOUT_SECONDS: '2' }, []);
      await expect(started).rejects.toThrow(/server exited with 1:[\s\S]*the database at 127\.0\.0\.1:\d+ did not answer within 2 s/);
      await expect(started).rejects.not.toThrow(/secret/); // the URL's password is not printed
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 120_000);
});

describe('npm start without PEAKOPS_ADMIN_KEY', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'peakops-demo-key-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('makes its own admin key, keeps it in DATA_DIR/admin-key and prints the screen link that carries it', async () => {
    // PEAKOPS_ADMIN_KEY='' overrides the harness's test key: empty means unset (env.ts).
    const env = { DATA_DIR: dataDir, PEAKOPS_ADMIN_KEY: '', SIMULATOR_RATE: '0' };
    const server = await startServerProcess(env, ['--demo', '--no-simulate']);
    let key: string;
    try {
      // Printed just after the server starts listening, so possibly after /ready first answers.
      const link = new RegExp(`http://localhost:${new URL(server.url).port}/#key=(pk_admin_[A-Za-z0-9_-]{43})\\s`);
      await waitFor('the screen link', () => link.test(server.output()), 30_000);
      key = link.exec(server.output())![1]!;
      const file = path.join(dataDir, 'admin-key');
      expect(readFileSync(file, 'utf8').trim()).toBe(key);
      // Only the owner may read it: it is the key to every shop.
      expect(statSync(file).mode & 0o077).toBe(0);

      const withoutKey = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ viewer { kind } }' }),
      });
      expect(withoutKey.status).toBe(401);
      expect(((await withoutKey.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
      expect((await gqlAt(server.url, '{ viewer { kind } }', {}, key)).data).toEqual({ viewer: { kind: 'ADMIN_KEY' } });
      // The demo's key is only ever on the terminal, never in the structured log.
      expect(server.output().split('\n').filter((line) => line.includes(key) && line.startsWith('{'))).toEqual([]);
    } finally {
      expect(await server.stop()).toBe(0);
    }

    // The next start finds the key and prints the same link: a screen opened with it keeps working.
    const again = await startServerProcess(env, ['--demo', '--no-simulate']);
    try {
      await waitFor('the same screen link', () => again.output().includes(`/#key=${key}`), 30_000);
      expect((await gqlAt(again.url, '{ viewer { kind } }', {}, key)).data).toEqual({ viewer: { kind: 'ADMIN_KEY' } });
    } finally {
      expect(await again.stop()).toBe(0);
    }
  }, 180_000);

  it('makes no key and prints no link when the flag is on over a database that is not the demo', async () => {
    const realDir = mkdtempSync(path.join(tmpdir(), 'peakops-real-'));
    try {
      // A database with a shop of its own: someone's real data, not the demo's.
      const operator = await startServerProcess({ DATA_DIR: realDir, SIMULATOR_RATE: '0' }, []);
      try {
        const created = await gqlAt(operator.url, 'mutation { createShop(input: { name: "真实店铺", platform: TMALL }) { userErrors { message } } }');
        expect(created.data.createShop.userErrors).toEqual([]);
      } finally {
        expect(await operator.stop()).toBe(0);
      }
      // DEMO left on by mistake, and no PEAKOPS_ADMIN_KEY.
      const server = await startServerProcess({ DATA_DIR: realDir, PEAKOPS_ADMIN_KEY: '', SIMULATOR_RATE: '0' }, ['--demo']);
      try {
        await waitFor('the demo to decline', () => server.output().includes('not the demo'), 30_000);
        expect(server.output()).not.toContain('#key=');
        expect(existsSync(path.join(realDir, 'admin-key'))).toBe(false);
      } finally {
        expect(await server.stop()).toBe(0);
      }
    } finally {
      rmSync(realDir, { recursive: true, force: true });
    }
  }, 180_000);
});
