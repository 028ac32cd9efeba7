import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Env } from '../env.js';
import { fromProjectRoot } from '../lib/project-root.js';
import { GENERIC_PLAN_SESSION, genericPoolSize, pairGenericPlanDb } from './generic-plans.js';
import type { MigrateOptions } from './migrate.js';
import { statementTimeoutSession } from './statement-timeout.js';
import * as tables from './tables.js';

/**
 * One concrete drizzle type for both backends. The PGlite and postgres-js drizzle types differ only
 * in their query-result wrapper, which our code never touches, but TypeScript cannot unify them.
 */
export type Db = PostgresJsDatabase<typeof tables>;
/** A transaction handle; services accept `Db | Tx` so callers can compose them in one transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  kind: DatabaseKind;
  /**
   * Runs the drizzle-kit migrations; safe when several instances start at once. On PostgreSQL each attempt
   * waits for a lock only briefly and is tried again, logged, until a deadline (migrate.ts).
   */
  migrate(options?: MigrateOptions): Promise<void>;
  close(): Promise<void>;
  /** Statements issued through drizzle since open: the realtime tests and /metrics watch it. */
  queryCount(): number;
}

/** Counts statements via drizzle's logger hook, the same way for both drivers. */
function queryCounter() {
  let count = 0;
  return { logger: { logQuery: () => void count++ }, queryCount: () => count };
}

const MIGRATIONS_FOLDER = fromProjectRoot('migrations');

export type DatabaseOptions =
  | {
      kind: 'postgres';
      url: string;
      maxConnections?: number;
      /** The generic-plan pool for hot prepared statements (generic-plans.ts); on unless false (benchmarks compare). */
      genericPlanPool?: boolean;
      /** Bound on every statement (statement-timeout.ts); none when absent or 0. The server passes STATEMENT_TIMEOUT_MS. */
      statementTimeoutMs?: number;
    }
  | { kind: 'pglite'; dataDir: string | null };

/** The database the configuration names: PostgreSQL at DATABASE_URL, else the embedded PGlite in DATA_DIR. */
export function configuredDatabase(env: Pick<Env, 'DATABASE_URL' | 'DATA_DIR' | 'STATEMENT_TIMEOUT_MS'>): DatabaseOptions {
  return env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL, statementTimeoutMs: env.STATEMENT_TIMEOUT_MS }
    : { kind: 'pglite', dataDir: env.DATA_DIR };
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.kind === 'postgres'
    ? openPostgres(options.url, {
        maxConnections: options.maxConnections ?? 10,
        genericPlanPool: options.genericPlanPool ?? true,
        statementTimeoutMs: options.statementTimeoutMs ?? 0,
      })
    : openPglite(options.dataDir);
}

/**
 * Seconds before a closed connection tries again, after `retries` failed attempts in a row. The
 * driver's default grows to 20 s, so after a PostgreSQL restart of a second or two an instance stayed
 * unready for ~18 s more (measured: transactions in flight at `pg_ctl stop`, then start). Capped at 1 s:
 * an attempt while PostgreSQL is down costs one refused connection.
 */
const reconnectBackoffSeconds = (retries: number) => Math.min(0.05 * 2 ** retries, 1);

async function openPostgres(
  url: string,
  { maxConnections, genericPlanPool, statementTimeoutMs }: { maxConnections: number; genericPlanPool: boolean; statementTimeoutMs: number },
): Promise<Database> {
  const bounded = statementTimeoutSession(statementTimeoutMs);
  const sql = postgres(url, { max: maxConnections, onnotice: () => {}, backoff: reconnectBackoffSeconds, connection: bounded });
  // Opens its connections only when a hot prepared statement first runs (generic-plans.ts says why).
  const genericSql = genericPlanPool
    ? postgres(url, { max: genericPoolSize(maxConnections), onnotice: () => {}, backoff: reconnectBackoffSeconds, connection: { ...GENERIC_PLAN_SESSION, ...bounded } })
    : null;
  const counter = queryCounter();
  const db = drizzlePostgres({ client: sql, schema: tables, casing: 'snake_case', logger: counter.logger });
  if (genericSql) pairGenericPlanDb(db, drizzlePostgres({ client: genericSql, schema: tables, casing: 'snake_case', logger: counter.logger }));
  return {
    db,
    kind: 'postgres',
    queryCount: counter.queryCount,
    async migrate(options = {}) {
      const { migratePostgres } = await import('./migrate.js');
      await migratePostgres(url, { ...options, migrationsFolder: options.migrationsFolder ?? MIGRATIONS_FOLDER });
    },
    close: async () => {
      await Promise.all([sql.end({ timeout: 5 }), genericSql?.end({ timeout: 5 })]);
    },
  };
}

async function openPglite(dataDir: string | null): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? new PGlite(path.resolve(dataDir)) : new PGlite();
  await client.waitReady;
  const counter = queryCounter();
  const pgliteDb = drizzlePglite({ client, schema: tables, casing: 'snake_case', logger: counter.logger });
  return {
    db: pgliteDb as unknown as Db,
    kind: 'pglite',
    queryCount: counter.queryCount,
    async migrate(options = {}) {
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      // PGlite is a single connection inside this process: nobody else can migrate concurrently, or hold a lock.
      await migrate(pgliteDb, { migrationsFolder: options.migrationsFolder ?? MIGRATIONS_FOLDER });
    },
    close: () => client.close(),
  };
}
