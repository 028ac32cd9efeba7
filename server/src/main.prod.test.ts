import { execFile, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlAt, productionNodeFlags, startServerProcess } from '../test/server-process.js';
import { fromProjectRoot } from './lib/project-root.js';

const run = promisify(execFile);
/** The image's CMD, from its working directory. */
const ENTRY = 'dist/server/main.js';

/** Every .js file below a folder, as paths relative to it. */
function emittedFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
}

/** What a module imports, static and dynamic, in source order (TypeScript's own scanner, not a regex). */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((i) => i.fileName);
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * `npm run build && npm run start:prod`, as the image runs it: the server compiled once into a folder
 * laid out like the image (dist/, client/dist, migrations, package.json and node_modules beside it,
 * no server/src), then started with plain node — no tsx.
 */
describe('the compiled build (npm run build, npm run start:prod)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'peakops-prod-'));
  const dist = path.join(root, 'dist/server');
  const pkg = JSON.parse(readFileSync(fromProjectRoot('package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const dataDir = path.join(root, 'data');
  const servers: ChildProcess[] = [];

  beforeAll(async () => {
    // Type-checked by `npm test`'s tsc --noEmit already; here only emitted, with the build's own tsconfig.
    await run(process.execPath, [fromProjectRoot('node_modules/typescript/bin/tsc'), '-p', fromProjectRoot('tsconfig.build.json'), '--outDir', dist, '--noCheck'], {
      cwd: fromProjectRoot(),
    });
    copyFileSync(fromProjectRoot('package.json'), path.join(root, 'package.json')); // "type": "module"
    mkdirSync(path.join(root, 'client'));
    symlinkSync(fromProjectRoot('client/dist'), path.join(root, 'client/dist'));
    symlinkSync(fromProjectRoot('migrations'), path.join(root, 'migrations'));
    symlinkSync(fromProjectRoot('node_modules'), path.join(root, 'node_modules'));
  }, 180_000);

  afterAll(() => {
    for (const child of servers) child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('emits the server only: no tests, benches or scripts', () => {
    const files = emittedFiles(dist);
    expect(files).toContain('main.js');
    expect(files).toContain('modules/user/users.cli.js');
    expect(files).toContain('db/migrate.cli.js');
    expect(files.filter((f) => /\.test\.js$|(^|\/)(test|bench|scripts)\//.test(f))).toEqual([]);
  });

  it('imports only Node built-ins, packages in dependencies and its own emitted files', () => {
    const strays: string[] = [];
    const files = new Set(emittedFiles(dist));
    for (const file of files) {
      const full = path.join(dist, file);
      for (const specifier of importsOf(full)) {
        if (specifier.startsWith('.')) {
          const target = path.resolve(path.dirname(full), specifier);
          if (!files.has(path.relative(dist, target))) strays.push(`${file} → ${specifier}`);
        } else if (!isBuiltin(specifier) && !(packageOf(specifier) in pkg.dependencies)) {
          strays.push(`${file} → ${specifier}`);
        }
      }
    }
    expect(strays).toEqual([]);
  });

  it("runs with the same node flags in the image as in start:prod (and the compiled server starts with them below)", () => {
    const commands = readFileSync(fromProjectRoot('Dockerfile'), 'utf8').split('\n').filter((line) => line.startsWith('CMD '));
    expect(JSON.parse(commands.at(-1)!.slice(4))).toEqual(['node', ...productionNodeFlags(), ENTRY]);
  });

  it('settles NODE_ENV before anything imports graphql (main.js imports node-env.js first)', () => {
    expect(importsOf(path.join(dist, 'main.js'))[0]).toBe('./node-env.js');
  });

  it('serves health, readiness, the API and the screen from dist, without the demo unless asked', async () => {
    const plain = await startServerProcess({ DATA_DIR: dataDir }, [], { compiled: { main: ENTRY, cwd: root } });
    servers.push(plain.child);

    expect((await fetch(`${plain.url}/health`)).status).toBe(200);
    expect(await (await fetch(`${plain.url}/ready`)).json()).toEqual({ status: 'ready' });
    expect(await gqlAt(plain.url, '{ shops { totalCount } }')).toMatchObject({ data: { shops: { totalCount: 0 } } });
    const screen = await fetch(`${plain.url}/`);
    expect(screen.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await screen.text()).toBe(readFileSync(fromProjectRoot('client/dist/index.html'), 'utf8'));
    expect(plain.output()).not.toMatch(/demo/i);
    expect(await plain.stop()).toBe(0);
  }, 120_000);

  it('with DEMO=true looks for the demo, and never loads it into a database that holds real data', async () => {
    // A shop of one's own first. (Into an empty database DEMO=true loads the demo, as `npm start` does
    // and main.boot.test.ts checks; on PGlite that keeps the process busy with a month of history.)
    const compiled = { main: ENTRY, cwd: root };
    const first = await startServerProcess({ DATA_DIR: dataDir }, [], { compiled });
    servers.push(first.child);
    const created = await gqlAt(first.url, 'mutation { createShop(input: { name: "自营旗舰店", platform: TMALL }) { shop { id } userErrors { message } } }');
    expect(created.data.createShop.userErrors).toEqual([]);
    expect(await first.stop()).toBe(0);

    const demo = await startServerProcess({ DATA_DIR: dataDir, DEMO: 'true' }, [], { compiled });
    servers.push(demo.child);
    // /ready can answer before the log line has come through the pipe (pino writes asynchronously): wait for it.
    await expect.poll(() => demo.output(), { timeout: 10_000 }).toContain('database already has data; demo not loaded');
    expect(await gqlAt(demo.url, '{ shops { totalCount } }')).toMatchObject({ data: { shops: { totalCount: 1 } } });
    expect(await demo.stop()).toBe(0);
  }, 120_000);
});
