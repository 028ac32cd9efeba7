import type { TestProject } from 'vitest/node';
import { findPostgresBin, startPostgres, type PostgresServer } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the throwaway PostgreSQL server, or null when only PGlite runs. */
    postgresUrl: string | null;
  }
}

let server: PostgresServer | null = null;

export default async function setup(project: TestProject) {
  const bin = findPostgresBin();
  if (bin) {
    server = await startPostgres(bin);
    project.provide('postgresUrl', server.url());
    console.log(`[backends] pglite (embedded) + ${server.version} on 127.0.0.1:${server.port}`);
  } else if (process.env.PEAKOPS_REQUIRE_POSTGRES === '1') {
    throw new Error('PEAKOPS_REQUIRE_POSTGRES=1 but no PostgreSQL binaries (initdb) were found');
  } else {
    project.provide('postgresUrl', null);
    console.log('[backends] pglite only: no PostgreSQL binaries found, real-PostgreSQL runs skipped');
  }
  return () => {
    server?.stop();
    server = null;
  };
}
