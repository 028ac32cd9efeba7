import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CLIENT_DIST = path.join(ROOT, 'client/dist');
export const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');

/** Budgets of the war-room screen (issue 5): JS on the wire, and time to the first live figure. */
export const JS_GZIP_BUDGET_BYTES = 200 * 1024;
export const FIRST_LIVE_NUMBERS_BUDGET_MS = 1_500;

/**
 * The e2e runs drive the built screen the server serves at `/`. Without a build they would test a
 * "client/dist is missing" page, so they fail here and say what to run.
 */
export function requireClientDist(): void {
  const index = path.join(CLIENT_DIST, 'index.html');
  const assets = path.join(CLIENT_DIST, 'assets');
  if (!existsSync(index) || !existsSync(assets) || !readdirSync(assets).some((f) => f.endsWith('.js'))) {
    throw new Error(
      `client/dist is missing or has no JavaScript (${index}). Build the screen first: \`npm run build:client\` ` +
        '(`npm test` does it before vitest).',
    );
  }
}

export interface JsSize {
  file: string;
  bytes: number;
  gzipBytes: number;
  /** The brotli copy the build wrote beside it (what the server sends a browser that takes br), if any. */
  brotliBytes: number | null;
}

/** Every JavaScript file the build ships, with its gzip size (level 9, the budget's measure) and its brotli copy's. */
export function shippedJs(): JsSize[] {
  requireClientDist();
  const assets = path.join(CLIENT_DIST, 'assets');
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((file) => {
      const content = readFileSync(path.join(assets, file));
      const brotli = path.join(assets, `${file}.br`);
      return { file, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length, brotliBytes: existsSync(brotli) ? statSync(brotli).size : null };
    });
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** One `[budget] …` line, the same in the e2e run and the bench. */
export function budgetLine(name: string, measured: string, budget: string): string {
  return `[budget] ${name} ${measured} (budget ${budget})`;
}
