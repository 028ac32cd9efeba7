import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '../server/src/db/client.js';
import { findPostgresBin, startPostgres } from '../server/test/postgres-server.js';

/** `--name value` from the command line, or the default. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * A fresh bootstrap admin key for the server a benchmark starts (PEAKOPS_ADMIN_KEY or buildApp's
 * adminKey): every GraphQL call needs a credential, and the admin key sees every shop.
 */
export function benchAdminKey(): string {
  return `bench-admin-${randomBytes(24).toString('base64url')}`;
}

/** Headers of a GraphQL POST as `credential`. */
export function graphqlHeaders(credential: string): Record<string, string> {
  return { 'content-type': 'application/json', authorization: `Bearer ${credential}` };
}

/**
 * A bucket no benchmark drains: benchmarks measure ingestion and fan-out, not one credential's budget
 * (DEFAULT_BUCKET allows 10,000 points a second, about what one ingest pipeline does here).
 */
export const UNMETERED = { maximumAvailable: 1_000_000_000, restoreRate: 1_000_000_000 };

export function report(name: string, rows: [string, string | number][]) {
  console.log(`\n== ${name} ==`);
  for (const [label, value] of rows) console.log(`${label.padEnd(60)} ${value}`);
}


/** A throwaway PostgreSQL with a migrated `bench` database; stop() closes and removes all of it. */
export async function startBenchDatabase(maxConnections = 10): Promise<{ url: string; database: Database; stop(): Promise<void> }> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL binaries (initdb) are needed for this benchmark');
  const pg = await startPostgres(bin);
  const admin = postgres(pg.url(), { max: 1, onnotice: () => {} });
  await admin.unsafe('create database bench');
  await admin.end();
  const url = pg.url('bench');
  const database = await openDatabase({ kind: 'postgres', url, maxConnections });
  await database.migrate();
  return {
    url,
    database,
    async stop() {
      await database.close().catch(() => {});
      pg.stop();
    },
  };
}
