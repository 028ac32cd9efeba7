import postgres from 'postgres';
import { stopServer, until } from '../../../e2e/support/stack.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { findPostgresBin, freePort, startPostgres, type PostgresServer } from '../postgres-server.js';
import { hasRedisServer, startRedis, type RedisServer } from '../redis-server.js';
import { startServerProcess, type ServerProcess } from '../server-process.js';
import { findNginx, startNginx, type NginxProcess } from './nginx.js';

/** What the cluster needs from the machine; null when it is all there, else what is missing. */
export function clusterPrerequisitesMissing(): string | null {
  const missing = [findPostgresBin() ? null : 'PostgreSQL (initdb)', hasRedisServer() ? null : 'redis-server', findNginx() ? null : 'nginx'].filter(Boolean);
  return missing.length > 0 ? missing.join(', ') : null;
}

/** One PeakOps process behind nginx, on a port of its own that it keeps across restarts. */
export interface Instance {
  name: string;
  /** http://127.0.0.1:<port>, bypassing nginx. */
  url: string;
  running(): boolean;
  /** `kill -9`: no graceful shutdown, sockets cut mid-message. */
  kill(): Promise<void>;
  /** SIGTERM: sockets closed with 1012, requests in flight cut (a deploy's restart). */
  stop(): Promise<void>;
  /** Starts it again on its port and waits until /ready answers. */
  start(): Promise<void>;
  /** Exits nobody asked for, with the process's last lines; the supervisor restarted it after each. */
  crashes: string[];
  /** Resolves once a restart after a crash has succeeded (or been called off). */
  settled(): Promise<void>;
  output(): string;
}

export interface Cluster {
  /** nginx: http://127.0.0.1:<port>. */
  url: string;
  instances: Instance[];
  postgres: PostgresServer;
  /** The test's own connection, for fixtures and checks behind the API's back. */
  database: Database;
  redis: { running(): boolean; stop(): Promise<void>; start(): Promise<void> };
  /** Brings back whatever a test left down (PostgreSQL, Redis, instances), so the next test starts whole. */
  restore(): Promise<void>;
  /** The tail of every process's output, for a failed test's report. */
  logs(): string;
  dispose(): Promise<void>;
}

/** Fast ticks and a short heartbeat: the periodic refresh (no Redis notice) lands within seconds. */
export const CLUSTER_TICK_MS = 200;
export const CLUSTER_HEARTBEAT_MS = 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An instance under a supervisor, as `restart: unless-stopped` keeps one in docker-compose: an exit
 * nobody asked for is recorded in `crashes` and the instance is started again (retrying every second,
 * e.g. while PostgreSQL is down and it cannot boot) until it is ready or told to stop.
 */
function instance(name: string, port: number, env: Record<string, string>): Instance {
  const url = `http://127.0.0.1:${port}`;
  let current: ServerProcess | null = null;
  let lastOutput = '';
  /** Whether it should be running: kill() and stop() clear it, so their exits are not crashes. */
  let wanted = false;
  let supervising: Promise<void> | null = null;
  const running = () => current !== null && current.child.exitCode === null && current.child.signalCode === null;
  const launch = async () => {
    lastOutput = current?.output() ?? lastOutput;
    const started = await startServerProcess(env, [], { port });
    current = started;
    started.child.once('exit', (code, signal) => {
      if (!wanted || current !== started) return;
      const tail = started.output().trim().split('\n').slice(-12).join('\n');
      self.crashes.push(`instance ${name} exited with ${signal ?? `code ${code}`} at ${new Date().toISOString()}:\n${tail}`);
      supervising ??= (async () => {
        while (wanted && !running()) await launch().catch(() => sleep(1_000));
      })().finally(() => (supervising = null));
    });
  };
  const stopSupervising = async () => {
    wanted = false;
    await supervising;
  };
  const self: Instance = {
    name,
    url,
    crashes: [],
    running,
    async kill() {
      await stopSupervising();
      const child = current?.child;
      if (!child || !running()) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      await stopSupervising();
      if (current) await stopServer(current);
    },
    async start() {
      if (running()) throw new Error(`instance ${name} is already running`);
      wanted = true;
      await launch();
    },
    async settled() {
      await supervising;
    },
    output: () => current?.output() ?? lastOutput,
  };
  return self;
}

/**
 * One PostgreSQL, one Redis, two PeakOps instances on both and nginx in front of them, all from
 * Debian's packages and each in a temp dir of its own; `dispose` stops everything, also after a failure.
 */
export async function startCluster(): Promise<Cluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('no PostgreSQL binaries (initdb)');
  const stops: (() => Promise<void> | void)[] = [];
  const dispose = async () => {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch((error: unknown) => console.error('cluster teardown:', error));
    stops.length = 0;
  };
  try {
    const pg = await startPostgres(bin);
    stops.push(() => pg.stop());
    const admin = postgres(pg.url(), { max: 1, onnotice: () => {} });
    await admin.unsafe('create database peakops');
    await admin.end();
    let redis: RedisServer | null = await startRedis();
    const redisPort = redis.port;
    stops.push(() => redis?.stop());

    const env = { DATABASE_URL: pg.url('peakops'), REDIS_URL: redis.url, TICK_MS: String(CLUSTER_TICK_MS), LIVE_HEARTBEAT_MS: String(CLUSTER_HEARTBEAT_MS) };
    const instances = [instance('a', await freePort(), env), instance('b', await freePort(), env)];
    for (const one of instances) stops.push(() => one.kill());
    // One after the other: both would migrate the empty database (one waits on the other's lock).
    for (const one of instances) await one.start();
    const nginx: NginxProcess = await startNginx(instances.map((i) => new URL(i.url).host));
    stops.push(() => nginx.stop());
    const database = await openDatabase({ kind: 'postgres', url: env.DATABASE_URL, maxConnections: 2 });
    stops.splice(1, 0, () => database.close()); // before PostgreSQL stops

    let pgRunning = true;
    const cluster: Cluster = {
      url: nginx.url,
      instances,
      postgres: {
        ...pg,
        halt() {
          pg.halt();
          pgRunning = false;
        },
        restart() {
          pg.restart();
          pgRunning = true;
        },
      },
      database,
      redis: {
        running: () => redis !== null,
        async stop() {
          await redis?.stop();
          redis = null;
        },
        async start() {
          redis ??= await startRedis({ port: redisPort });
        },
      },
      async restore() {
        if (!pgRunning) cluster.postgres.restart();
        await cluster.redis.start();
        for (const one of instances) {
          await one.settled();
          if (!one.running()) await one.start();
        }
        for (const one of instances) {
          await until(`instance ${one.name} ready`, 60_000, () => fetch(`${one.url}/ready`).then((r) => r.ok, () => false), 200);
        }
      },
      logs: () =>
        [
          ...instances.map((i) => `--- instance ${i.name} (${i.url}), last 30 lines:\n${i.output().trim().split('\n').slice(-30).join('\n')}`),
          `--- nginx error log, last 30 lines:\n${nginx.errorLog().trim().split('\n').slice(-30).join('\n')}`,
        ].join('\n'),
      dispose,
    };
    return cluster;
  } catch (error) {
    await dispose();
    throw error;
  }
}
