import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { MONTHLY_TABLES, monthlyPartitions } from '../modules/history/history.partitions.js';
import { openDatabase, type Database } from './client.js';
import * as tables from './tables.js';

/**
 * Moving up from the embedded default: copies every PeakOps table of a PGlite data directory into an
 * empty PostgreSQL database, in one transaction on the target, so a failure leaves the target as empty
 * as it was and the source untouched (beyond the migrations any server start would apply).
 */
export interface CopyOptions {
  /** The PGlite data directory (DATA_DIR). No server may have it open: PGlite is single-process. */
  dataDir: string;
  /** The target, a postgres:// URL of an empty database. */
  url: string;
  /** Heap pages per COPY chunk (8 KB each): bounds memory on a large log. */
  pagesPerChunk?: number;
  log?: (line: string) => void;
}

export interface CopiedTable {
  table: string;
  rows: number;
}

export class CopyRefused extends Error {
  override name = 'CopyRefused';
}

/** A connection or the copy's transaction: the queries below run on either. */
type Sql = postgres.Sql | postgres.TransactionSql;

const TABLE_NAMES = Object.values(tables).flatMap((value: unknown) => (is(value, PgTable) ? [getTableName(value)] : []));

export async function copyPgliteToPostgres(options: CopyOptions): Promise<CopiedTable[]> {
  const log = options.log ?? (() => {});
  const pagesPerChunk = options.pagesPerChunk ?? 2_000;
  const source = await openDatabase({ kind: 'pglite', dataDir: options.dataDir });
  const target = await openDatabase({ kind: 'postgres', url: options.url, maxConnections: 1 });
  const sql = postgres(options.url, { max: 1, onnotice: () => {} });
  try {
    // Both at the schema this code knows: the source as a server start would leave it, the target new.
    await source.migrate();
    await target.migrate();
    const pglite = pgliteClient(source);
    await refuseUnlessEmpty(sql);
    const order = await dependencyOrder(sql);
    const copied: CopiedTable[] = [];
    await sql.begin(async (tx) => {
      await matchMonthlyPartitions(source, tx);
      for (const table of order) {
        const columns = await copyableColumns(tx, table);
        const list = columns.map(quoteIdent).join(', ');
        const pages = await pageCount(pglite, table);
        for (let from = 0; from < Math.max(pages, 1); from += pagesPerChunk) {
          // TID ranges read each heap page once: chunks without ORDER BY/OFFSET, whatever the keys.
          const range = `ctid >= '(${from},0)'::tid and ctid < '(${from + pagesPerChunk},0)'::tid`;
          const result = await pglite.query(`copy (select ${list} from ${quoteIdent(table)} where ${range}) to '/dev/blob'`);
          const blob = result.blob;
          if (!blob || blob.size === 0) continue;
          const writable = await tx.unsafe(`copy ${quoteIdent(table)} (${list}) from stdin`).writable();
          await pipeline(Readable.from([Buffer.from(await blob.arrayBuffer())]), writable);
        }
        const [sourceRows, targetRows] = [await countRows(pglite, table), await countTarget(tx, table)];
        if (sourceRows !== targetRows) throw new Error(`${table}: ${sourceRows} rows in the source, ${targetRows} copied`);
        copied.push({ table, rows: targetRows });
        log(`${table}: ${targetRows} rows`);
      }
      await resetIdentities(tx);
    });
    return copied;
  } finally {
    await sql.end({ timeout: 5 });
    await target.close();
    await source.close();
  }
}

/**
 * The target gets the source's monthly partitions before the rows arrive: without them old months
 * would land in the DEFAULT partitions, where retention cannot drop them whole (modules/history).
 */
async function matchMonthlyPartitions(source: Database, tx: Sql): Promise<void> {
  for (const table of MONTHLY_TABLES) {
    for (const partition of await monthlyPartitions(source.db, table.parent)) {
      await tx.unsafe('select peakops_month_partition($1, $2, $3::timestamptz)', [table.parent, table.key, partition.from.toISOString()]);
    }
  }
}

function pgliteClient(database: Database): PGlite {
  // drizzle keeps the driver's client as $client; Database types db as postgres-js for both backends.
  return (database.db as unknown as { $client: PGlite }).$client;
}

/** Copying into a database that already holds PeakOps rows would merge two histories: refuse. */
async function refuseUnlessEmpty(sql: Sql): Promise<void> {
  const counts = await Promise.all(TABLE_NAMES.map(async (table) => ({ table, rows: await countTarget(sql, table) })));
  const holding = counts.filter((c) => c.rows > 0);
  if (holding.length > 0) {
    throw new CopyRefused(
      `the target database is not empty (${holding.map((c) => `${c.table}: ${c.rows} rows`).join(', ')}); copy into a new, empty database`,
    );
  }
}

/** Our tables ordered so that every table comes after the tables its foreign keys point to. */
async function dependencyOrder(sql: Sql): Promise<string[]> {
  const edges = await sql<{ child: string; parent: string }[]>`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
    from pg_constraint c
    where c.contype = 'f' and c.connamespace = 'public'::regnamespace and c.conrelid <> c.confrelid`;
  const parents = new Map(TABLE_NAMES.map((t) => [t, new Set<string>()]));
  for (const { child, parent } of edges) parents.get(unquote(child))?.add(unquote(parent));
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < TABLE_NAMES.length) {
    const ready = TABLE_NAMES.filter((t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p) || !parents.has(p)));
    if (ready.length === 0) throw new Error(`foreign keys form a cycle among ${TABLE_NAMES.filter((t) => !placed.has(t)).join(', ')}`);
    for (const t of ready) (order.push(t), placed.add(t));
  }
  return order;
}

/** Stored columns only: generated columns are computed by the target itself. */
async function copyableColumns(sql: Sql, table: string): Promise<string[]> {
  const rows = await sql<{ column_name: string }[]>`
    select column_name from information_schema.columns
    where table_schema = 'public' and table_name = ${table} and is_generated = 'NEVER'
    order by ordinal_position`;
  return rows.map((r) => r.column_name);
}

/** COPY writes identity values as given; the sequences must continue after them. */
async function resetIdentities(sql: Sql): Promise<void> {
  const identities = await sql<{ table_name: string; column_name: string }[]>`
    select table_name, column_name from information_schema.columns
    where table_schema = 'public' and is_identity = 'YES'`;
  for (const { table_name: table, column_name: column } of identities) {
    await sql.unsafe(
      `select setval(pg_get_serial_sequence($1, $2), coalesce(max(${quoteIdent(column)}), 0) + 1, false) from ${quoteIdent(table)}`,
      [table, column],
    );
  }
}

/** A partitioned table's TID ranges apply to each partition at once: its pages are its largest partition's. */
async function pageCount(pglite: PGlite, table: string): Promise<number> {
  const { rows } = await pglite.query<{ pages: number }>(
    `select (greatest(pg_relation_size($1::regclass), (select coalesce(max(pg_relation_size(relid)), 0) from pg_partition_tree($1::regclass) where isleaf))
       / current_setting('block_size')::int)::int as pages`,
    [table],
  );
  return rows[0]!.pages;
}

async function countRows(pglite: PGlite, table: string): Promise<number> {
  const { rows } = await pglite.query<{ n: number }>(`select count(*)::int as n from ${quoteIdent(table)}`);
  return rows[0]!.n;
}

async function countTarget(sql: Sql, table: string): Promise<number> {
  const [row] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${quoteIdent(table)}`);
  return row!.n;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const unquote = (name: string) => name.replace(/^"|"$/g, '');
