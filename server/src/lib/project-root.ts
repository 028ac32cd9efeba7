import path from 'node:path';

/**
 * The project's root: where package.json, migrations/ and the built screen (client/dist) sit. This
 * file is three folders below it both as source (server/src/lib, run by tsx) and compiled
 * (dist/server/lib, run by `npm run start:prod`; tsconfig.build.json keeps that layout), so files read
 * at runtime resolve the same from either. Production images copy those folders beside dist/.
 */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../../..');

/** A path below the project's root, e.g. `fromProjectRoot('migrations')`. */
export function fromProjectRoot(...segments: string[]): string {
  return path.join(PROJECT_ROOT, ...segments);
}
