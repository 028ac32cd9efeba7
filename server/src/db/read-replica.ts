import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db } from './client.js';
import { statementTimeoutSession } from './statement-timeout.js';
import * as tables from './tables.js';

/**
 * A PostgreSQL streaming replica for reads (DATABASE_READ_URL): the `metrics` query and the live
 * topics read from it, so screens and partners' dashboards take no CPU from the primary's ingestion.
 * A replica is behind by its replay lag; `dataTime` says how far, and that instant becomes the live
 * messages' `asOf`, which the war room's freshness badge already compares with the clock.
 */
export interface ReadReplica {
  db: Db;
  /**
   * The instant the replica's data describes: `now` while it has replayed all it received (or when
   * the URL names a primary), else the commit time of the last transaction it replayed.
   */
  dataTime(now: Date): Promise<Date>;
  close(): Promise<void>;
}

interface ReplayState {
  standby: boolean;
  caught_up: boolean | null;
  /** Epoch milliseconds: drizzle sets postgres.js to hand timestamps over as strings. */
  replayed_ms: number | null;
}

export function openReadReplica(url: string, { maxConnections = 10, statementTimeoutMs = 0 }: { maxConnections?: number; statementTimeoutMs?: number } = {}): ReadReplica {
  const sql = postgres(url, { max: maxConnections, onnotice: () => {}, connection: statementTimeoutSession(statementTimeoutMs) });
  const db = drizzle({ client: sql, schema: tables, casing: 'snake_case' });
  return {
    db,
    async dataTime(now) {
      const [state] = await sql<ReplayState[]>`
        select pg_is_in_recovery() as standby,
               pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() as caught_up,
               (extract(epoch from pg_last_xact_replay_timestamp()) * 1000)::float8 as replayed_ms`;
      return replicaDataTime(state!, now);
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/** Kept apart from the query so the rule is plain: never later than now, never later than the replay. */
export function replicaDataTime(state: ReplayState, now: Date): Date {
  if (!state.standby || state.caught_up === true || state.replayed_ms === null) return now;
  return state.replayed_ms < now.getTime() ? new Date(state.replayed_ms) : now;
}
