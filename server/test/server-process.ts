import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './postgres-server.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The node flags production runs the compiled server with, as `npm run start:prod` spells them (the
 * image's CMD must say the same: main.prod.test.ts). The benchmarks start PeakOps with them too.
 */
export function productionNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const command = /\bnode((?:\s+--\S+)*)\s+dist\/server\/main\.js/.exec(scripts['start:prod'] ?? '');
  if (!command) throw new Error('package.json start:prod does not run node … dist/server/main.js');
  return command[1]!.trim().split(/\s+/).filter(Boolean);
}

/** The admin key every test server process starts with (PEAKOPS_ADMIN_KEY), unless a test sets its own. */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnopqrstuv';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface ServerProcessOptions {
  /** Listen on this port (e.g. to restart a server where its clients expect it); a free one when absent. */
  port?: number;
  /**
   * Run a compiled entry point with plain node and production's flags from `cwd`, as `npm run
   * start:prod` and the image do, instead of server/src/main.ts through tsx from the repository.
   */
  compiled?: { main: string; cwd: string };
}

/** Starts `server/src/main.ts` as `npm start` does (or a compiled build), in its own process, and waits until /ready answers. */
export async function startServerProcess(
  env: Record<string, string>,
  args: string[] = ['--demo'],
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const entry = options.compiled ? [...productionNodeFlags(), options.compiled.main] : ['--import', 'tsx', 'server/src/main.ts'];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: options.compiled?.cwd ?? ROOT,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', PEAKOPS_ADMIN_KEY: TEST_ADMIN_KEY, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become ready:\n${output}`);
    }
    const ready = await fetch(`${url}/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    child,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function gqlAt(url: string, query: string, variables?: Record<string, unknown>, credential = TEST_ADMIN_KEY) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
    body: JSON.stringify({ query, variables }),
  });
  // any: callers read ad-hoc shapes and assert on them
  return (await response.json()) as { data?: any; errors?: unknown[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One unlabelled figure from an instance's GET /metrics (NaN when absent). */
export async function metricAt(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
}
