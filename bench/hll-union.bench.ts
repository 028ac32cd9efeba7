/**
 * The rollup upsert's sketch merge (`peakops_hll_union`) as migration 0019 defines it, against the same
 * function as migration 0002 defined it, side by side on the same rows: hour rows whose dense sketches
 * are stored as ingestion leaves them (lz4, out of line), each merged with a batch's sparse sketch of
 * `--entries` visitors, the three sketches of every row in one UPDATE, as the upsert does. The two take
 * turns each round; the results are checked to be equal byte for byte.
 * `--dense 1` keeps only `visitors` dense (carters and buyers sparse), as the ingest bench's stream does.
 * Run: npm run bench:hll-union [-- --rows 300 --entries 30 --rounds 8 --dense 3]
 */
import './node-env-production.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql, TransactionRollbackError } from 'drizzle-orm';
import { Hll, SparseHll } from '../server/src/lib/hll.js';
import { arg, median, report, startBenchDatabase } from './bench-util.js';

const ROWS = Number(arg('rows', '300'));
const ENTRIES = Number(arg('entries', '30'));
const ROUNDS = Number(arg('rounds', '8'));
const DENSE = Number(arg('dense', '3'));
const MIGRATIONS = path.resolve(import.meta.dirname, '../migrations');

/** Migration 0002's function under another name, beside today's. */
function before(): string {
  const text = readFileSync(path.join(MIGRATIONS, '0002_hll_union.sql'), 'utf8').replace(/^--.*$/gm, '');
  if (!text.includes('peakops_hll_union(a bytea, b bytea)')) throw new Error('0002_hll_union.sql no longer defines peakops_hll_union(a bytea, b bytea)');
  return text.replace('peakops_hll_union(a bytea, b bytea)', 'hll_union_0002(a bytea, b bytea)');
}

const denseOf = (prefix: string, visitors: number) => {
  const sketch = new Hll();
  for (let i = 0; i < visitors; i++) sketch.add(`${prefix}:${i}`);
  return Buffer.from(sketch.registers);
};
const sparseOf = (prefix: string, count: number) => {
  const sketch = new SparseHll();
  for (let i = 0; i < count; i++) sketch.add(`${prefix}:${i}`);
  return Buffer.from(sketch.toBytes());
};

const { database, stop } = await startBenchDatabase(2);
try {
  const db = database.db;
  await db.execute(sql.raw(before()));
  await db.execute(sql.raw(`create table sketch_bench (id int primary key, n int not null default 0, visitors bytea, carters bytea, buyers bytea)`));
  await db.execute(sql.raw(`alter table sketch_bench alter column visitors set compression lz4, alter column carters set compression lz4, alter column buyers set compression lz4`));
  for (let row = 0; row < ROWS; row++) {
    const sketch = (name: string, dense: boolean) => (dense ? denseOf(`${row}:${name}`, 20_000) : sparseOf(`${row}:${name}`, 200));
    await db.execute(sql`insert into sketch_bench (id, visitors, carters, buyers) values (${row}, ${sketch('v', true)}, ${sketch('c', DENSE >= 2)}, ${sketch('b', DENSE >= 3)})`);
  }
  // One merge first, so the stored values are what the upsert writes (not what the INSERT wrote).
  const batch = (round: number) => sparseOf(`batch${round}`, ENTRIES);
  const merge = (fn: string, sketch: Buffer) =>
    sql.raw(`update sketch_bench set n = n + 1, visitors = ${fn}(visitors, '\\x${sketch.toString('hex')}'), carters = ${fn}(carters, '\\x${sketch.toString('hex')}'), buyers = ${fn}(buyers, '\\x${sketch.toString('hex')}')`);
  await db.execute(merge('peakops_hll_union', batch(-1)));
  const [stored] = (await db.execute(sql`select avg(pg_column_size(visitors))::int as bytes, pg_relation_size((select reltoastrelid from pg_class where relname = 'sketch_bench'))::int as toast from sketch_bench`)) as unknown as { bytes: number; toast: number }[];

  const times: Record<'before' | 'after', number[]> = { before: [], after: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const sketch = batch(round);
    const order = round % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
    for (const side of order) {
      const start = performance.now();
      // Inside a transaction rolled back, so both sides merge into the same stored rows every round.
      await db.transaction(async (tx) => {
        await tx.execute(merge(side === 'before' ? 'hll_union_0002' : 'peakops_hll_union', sketch));
        tx.rollback();
      }).catch((error: unknown) => {
        if (!(error instanceof TransactionRollbackError)) throw error;
      });
      times[side].push(performance.now() - start);
    }
  }
  const [check] = (await db.execute(sql.raw(`select count(*)::int as differ from sketch_bench
      where hll_union_0002(visitors, '\\x${batch(0).toString('hex')}') <> peakops_hll_union(visitors, '\\x${batch(0).toString('hex')}')`))) as unknown as { differ: number }[];
  if (check!.differ !== 0) throw new Error(`${check!.differ} rows merge differently`);

  const perMerge = (ms: number) => ((ms * 1000) / (ROWS * 3)).toFixed(1);
  report(`peakops_hll_union: ${ROWS} rows, ${DENSE} dense sketch(es) each, ${ENTRIES}-visitor batch sketches, ${ROUNDS} rounds`, [
    ['stored dense sketch, bytes (lz4) / TOAST table, bytes', `${stored!.bytes} / ${stored!.toast}`],
    ['0002 (before): ms per UPDATE, median / µs per merge', `${median(times.before).toFixed(1)} / ${perMerge(median(times.before))}`],
    ['0019 (after): ms per UPDATE, median / µs per merge', `${median(times.after).toFixed(1)} / ${perMerge(median(times.after))}`],
    ['before / after, ratio of the medians', `${(median(times.before) / median(times.after)).toFixed(2)}×`],
    ['rows merged differently', check!.differ],
  ]);
} finally {
  await stop();
}
