import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './schema';
import { installTypeParsers } from './type-parsers';

export type Database = Kysely<DB>;

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

/** Creates the one Kysely instance a process uses, over a pg pool. */
export function createDatabase({ url, poolSize = 10, applicationName = 'sla-ledger' }: DatabaseOptions): Database {
  installTypeParsers();
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    application_name: applicationName,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (Postgres restarting) must not crash the process;
  // the pool drops it and the next query opens a fresh one.
  pool.on('error', () => undefined);
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
