import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A throwaway PostgreSQL server for tests and benchmarks: initdb in a temp dir, pg_ctl on a free
 * port, torn down after. Debian keeps initdb outside PATH, so we also look where its packages put it.
 */
export interface PostgresServer {
  url: (database?: string) => string;
  port: number;
  version: string;
  /** `pg_ctl stop -m fast`, keeping the data: the server is down until restart(). */
  halt(): void;
  /** `pg_ctl start` again on the same port and data after halt(). */
  restart(): void;
  stop(): void;
}

export function findPostgresBin(): string | null {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return path.dirname(onPath);
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A single-quoted shell word. */
export const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A temp directory PostgreSQL's tools may write, and a runner for them: initdb, pg_ctl and postgres
 * refuse to run as root, so as root the directory goes to the postgres user and commands run as them.
 */
export function postgresWorkspace(prefix: string): { dir: string; run: (cmd: string) => SpawnSyncReturns<string> } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string) =>
    asRoot ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', cmd], { encoding: 'utf8' }) : spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  return { dir, run };
}

/** The log of a server startPostgres started, found from its data directory (`show data_directory`): they sit side by side. */
export function serverLogFile(dataDirectory: string): string {
  return path.join(path.dirname(dataDirectory), 'log');
}

export async function startPostgres(bin: string): Promise<PostgresServer> {
  const { dir, run } = postgresWorkspace('peakops-pg-');
  const port = await freePort();
  const data = path.join(dir, 'data');
  const start = `${quote(path.join(bin, 'pg_ctl'))} -D ${quote(data)} -o ${quote(`-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`)} -l ${quote(serverLogFile(data))} -w start >/dev/null`;
  const script = [
    `${quote(path.join(bin, 'initdb'))} -D ${quote(data)} -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >${quote(path.join(dir, 'initdb.log'))} 2>&1`,
    start,
  ].join(' && ');
  const started = run(script);
  if (started.status !== 0) {
    const log = spawnSync('sh', ['-c', `cat ${quote(dir)}/*.log ${quote(dir)}/log 2>/dev/null | tail -20`], { encoding: 'utf8' }).stdout;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start PostgreSQL from ${bin}: ${started.stderr}\n${log}`);
  }
  const version = spawnSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout.trim();
  return {
    port,
    version,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    halt() {
      const stopped = run(`${quote(path.join(bin, 'pg_ctl'))} -D ${quote(data)} -m fast -w stop`);
      if (stopped.status !== 0) throw new Error(`pg_ctl stop failed: ${stopped.stderr}`);
    },
    restart() {
      const started = run(start);
      if (started.status !== 0) throw new Error(`pg_ctl start failed: ${started.stderr}`);
    },
    stop() {
      run(`${quote(path.join(bin, 'pg_ctl'))} -D ${quote(data)} -m immediate -w stop >/dev/null 2>&1`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
