import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The demo's admin key when PEAKOPS_ADMIN_KEY is unset: generated once and kept in DATA_DIR/admin-key
 * (mode 0600), so the printed screen link keeps working across restarts of the demo.
 */
export function demoAdminKey(dataDir: string): { key: string; created: boolean } {
  const file = path.join(dataDir, 'admin-key');
  try {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length >= 32) return { key, created: false };
  } catch {
    // not there yet
  }
  mkdirSync(dataDir, { recursive: true });
  const key = `pk_admin_${randomBytes(32).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, created: true };
}
