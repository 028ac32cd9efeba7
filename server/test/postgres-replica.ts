import { spawnSync } from 'node:child_process';
import { realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { freePort, postgresWorkspace, quote } from './postgres-server.js';

/**
 * A real streaming replica of a running test PostgreSQL: `pg_basebackup -R` over the replication
 * protocol (initdb's default pg_hba trusts replication from 127.0.0.1), then a hot standby on its own
 * port. Replay can be paused and resumed to make lag on purpose.
 */
export interface PostgresReplica {
  url: (database?: string) => string;
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Resolves once the standby has replayed everything the primary had written when called. */
  caughtUp(primaryUrl: string, timeoutMs?: number): Promise<void>;
  stop(): void;
}

export async function startReplica(bin: string, primaryPort: number): Promise<PostgresReplica> {
  // bin may be a directory of symlinks to a few tools (initdb, pg_ctl): pg_basebackup sits beside the real ones.
  bin = path.dirname(realpathSync(path.join(bin, 'initdb')));
  const { dir, run } = postgresWorkspace('peakops-replica-');
  const port = await freePort();
  // The standby's max_connections must be at least the primary's (200 there).
  const data = path.join(dir, 'data');
  const script = [
    `${quote(path.join(bin, 'pg_basebackup'))} -h 127.0.0.1 -p ${primaryPort} -U postgres -D ${quote(data)} -R -X stream --no-sync`,
    `${quote(path.join(bin, 'pg_ctl'))} -D ${quote(data)} -o ${quote(`-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c hot_standby=on -c fsync=off -c max_connections=200`)} -l ${quote(path.join(dir, 'log'))} -w start >/dev/null`,
  ].join(' && ');
  const started = run(script);
  if (started.status !== 0) {
    const log = spawnSync('sh', ['-c', `tail -20 ${quote(path.join(dir, 'log'))} 2>/dev/null`], { encoding: 'utf8' }).stdout;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start a replica of 127.0.0.1:${primaryPort}: ${started.stderr}\n${log}`);
  }
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const once = async <T>(statement: string, database = 'postgres'): Promise<T[]> => {
    const sql = postgres(url(database), { max: 1, onnotice: () => {} });
    try {
      return (await sql.unsafe(statement)) as unknown as T[];
    } finally {
      await sql.end({ timeout: 5 });
    }
  };
  return {
    url,
    async pauseReplay() {
      await once('select pg_wal_replay_pause()');
    },
    async resumeReplay() {
      await once('select pg_wal_replay_resume()');
    },
    async caughtUp(primaryUrl, timeoutMs = 30_000) {
      const primary = postgres(primaryUrl, { max: 1, onnotice: () => {} });
      try {
        const [{ lsn }] = (await primary.unsafe('select pg_current_wal_lsn()::text as lsn')) as unknown as [{ lsn: string }];
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const [row] = await once<{ behind: boolean }>(`select pg_last_wal_replay_lsn() < '${lsn}'::pg_lsn as behind`);
          if (row && !row.behind) return;
          if (Date.now() > deadline) throw new Error(`the replica did not replay up to ${lsn} within ${timeoutMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        await primary.end({ timeout: 5 });
      }
    },
    stop() {
      run(`${quote(path.join(bin, 'pg_ctl'))} -D ${quote(data)} -m immediate -w stop >/dev/null 2>&1`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
