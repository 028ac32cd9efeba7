import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { availableBackends } from '../test/backends.js';
import { gqlAt, startServerProcess } from '../test/server-process.js';

const DEMO_QUERY = `{
  campaigns(first: 5) { edges { node { name status gmvTarget milestones { name riskLevel } } } }
  shops { totalCount }
  orders { totalCount }
  products { totalCount }
}`;

/** What `npm start` promises a newcomer, on each backend: a demo that loads once and survives restarts. */
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

    it('serves the demo Double 11 campaign, keeps the data across a restart and does not load it twice', async () => {
      const env = await backendEnv();
      const first = await startServerProcess(env);
      cleanups.push(() => void first.child.kill('SIGKILL'));
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

      const second = await startServerProcess(env);
      cleanups.push(() => void second.child.kill('SIGKILL'));
      const after = await gqlAt(second.url, DEMO_QUERY);
      expect(after.data).toEqual(before.data);
      expect(second.output()).toContain('demo not loaded');
      expect(await second.stop()).toBe(0);
    }, 240_000);
  });
}

describe('start-up configuration', () => {
  it('refuses to start with a bad setting and names it', async () => {
    await expect(startServerProcess({ LOG_LEVEL: 'chatty' })).rejects.toThrow(/LOG_LEVEL="chatty"/);
  });
});
