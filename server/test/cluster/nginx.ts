import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../postgres-server.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
/** The one nginx config for PeakOps: docker-compose.yml mounts it, these tests render it. */
export const NGINX_TEMPLATE = path.join(ROOT, 'deploy/nginx/peakops.conf.template');

/** Debian's nginx (`/usr/sbin/nginx`, often outside a normal user's PATH). */
export function findNginx(): string | null {
  const onPath = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  return spawnSync('test', ['-x', '/usr/sbin/nginx']).status === 0 ? '/usr/sbin/nginx' : null;
}

/** The template with its variables filled in, as the nginx image's envsubst step does. */
export function renderPeakopsConf(vars: { listen: string; upstreams: string[] }): string {
  const values: Record<string, string> = {
    PEAKOPS_LISTEN: vars.listen,
    // Passive health: one failure takes an instance out for 5 s, then one request tries it again.
    PEAKOPS_UPSTREAM_SERVERS: vars.upstreams.map((u) => `server ${u} max_fails=1 fail_timeout=5s;`).join('\n    '),
  };
  const rendered = readFileSync(NGINX_TEMPLATE, 'utf8').replace(/\$\{(PEAKOPS_[A-Z_]+)\}/g, (whole, name: string) => values[name] ?? whole);
  const left = /\$\{PEAKOPS_[A-Z_]+\}/.exec(rendered);
  if (left) throw new Error(`${NGINX_TEMPLATE} uses ${left[0]}, which the tests do not fill in`);
  return rendered;
}

function killGroup(pid: number | undefined) {
  try {
    if (pid) process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

export interface NginxProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Its error log (upstream failures are logged there), for failure reports. */
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * nginx as the current user, in the foreground, with everything it writes (pid, logs, temp files) in a
 * temp dir: the rendered template included in a minimal nginx.conf, as conf.d/ is in the nginx image.
 */
export async function startNginx(upstreams: string[]): Promise<NginxProcess> {
  const bin = findNginx();
  if (!bin) throw new Error('nginx is not installed');
  const dir = mkdtempSync(path.join(tmpdir(), 'peakops-nginx-'));
  const port = await freePort();
  for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, temp));
  writeFileSync(path.join(dir, 'peakops.conf'), renderPeakopsConf({ listen: `127.0.0.1:${port}`, upstreams }));
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      // As root, workers would switch to nobody and could not use this 0700 dir.
      process.getuid?.() === 0 ? 'user root root;' : '',
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 4096; }',
      'http {',
      `  log_format upstream '$request $status via $upstream_addr ($upstream_status)';`,
      `  access_log ${dir}/access.log upstream;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
      `  include ${dir}/peakops.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  // Its own process group: workers outlive a master killed with SIGKILL unless the group goes too.
  const child = spawn(bin, ['-p', dir, '-e', `${dir}/error.log`, '-c', `${dir}/nginx.conf`, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errorLog = () => {
    try {
      return readFileSync(path.join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGQUIT'); // graceful: workers finish and exit with the master
      const timer = setTimeout(() => killGroup(child.pid), 5_000);
      await exited;
      clearTimeout(timer);
    }
    killGroup(child.pid);
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  // Listening is enough: whether an instance answers behind it is what the tests look at.
  for (;;) {
    if (child.exitCode !== null) {
      const log = `${output}\n${errorLog()}`;
      await stop();
      throw new Error(`nginx exited with ${child.exitCode}:\n${log}`);
    }
    if (await fetch(`${url}/health`).then(() => true, () => false)) break;
    if (Date.now() > deadline) {
      const log = errorLog();
      await stop();
      throw new Error(`nginx did not listen on ${url}:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, errorLog, stop };
}
