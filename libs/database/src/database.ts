import { Kysely, PostgresCursor, PostgresDialect, PostgresPoolClient, Transaction } from 'kysely';
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
  // A connection lost while checked out (a write to a socket Postgres closed) is reported as
  // an 'error' event on its client, which nobody listens to then and which would crash the
  // process. The query in flight fails on its own (→ 503), and the pool drops the client when
  // it is released, since it is no longer queryable.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const kyselyPool = {
    connect: async () => queriedByCallback(await pool.connect()),
    end: () => pool.end(),
  };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: kyselyPool }) });
  pools.set(db, pool);
  return db;
}

const pools = new WeakMap<Database, pg.Pool>();

const callbackClients = new WeakMap<pg.PoolClient, PostgresPoolClient>();

/**
 * The client with its queries made in pg's callback form. Promise-form queries (what Kysely calls)
 * leave each result reachable long enough for V8's young-generation collector to copy it into the
 * old generation: measured with 1,000-row selects, every scavenge took 12–18 ms and promoted ~3 MB,
 * against under 1 ms and nothing with callbacks; the pauses were the p95 of every read. Submittable
 * queries (cursors, COPY streams) pass through unchanged. One wrapper per client, so Kysely keeps
 * recognising its connections.
 */
function queriedByCallback(client: pg.PoolClient): PostgresPoolClient {
  let wrapped = callbackClients.get(client);
  if (wrapped === undefined) {
    wrapped = { query: callbackQuery(client), release: (destroy) => client.release(destroy) };
    callbackClients.set(client, wrapped);
  }
  return wrapped;
}

function callbackQuery(client: pg.ClientBase): PostgresPoolClient['query'] {
  const query = (text: string | PostgresCursor<unknown>, values?: readonly unknown[]) => {
    if (typeof text !== 'string') return client.query(text as unknown as pg.Submittable) as unknown as PostgresCursor<unknown>;
    return new Promise((resolve, reject) => {
      client.query(text, values as unknown[], (error: Error | undefined, result: unknown) => (error ? reject(error) : resolve(result)));
    });
  };
  return query as PostgresPoolClient['query'];
}

/**
 * Runs `work` on a raw pg client from the database's own pool, for the one thing Kysely
 * cannot say: COPY ... FROM STDIN.
 */
export async function withRawClient<T>(db: Database, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const pool = pools.get(db);
  if (pool === undefined) throw new Error('withRawClient needs a database created by createDatabase');
  const client = await pool.connect();
  try {
    const result = await work(client);
    client.release();
    return result;
  } catch (error) {
    // The connection may be mid-protocol (a COPY cut short): destroy it rather than reuse it.
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

/**
 * A Kysely whose one connection is `client` (in whatever transaction it is in); the client is
 * never released by it.
 */
export function onClient(client: pg.ClientBase): Database {
  const lent = { query: callbackQuery(client), release: () => undefined };
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: { connect: async () => lent, end: async () => undefined } }) });
}

/**
 * Runs `work` in one transaction, given both a Kysely transaction and the raw client it runs on:
 * for work that mixes queries with COPY (projection folds stream their batch of the log out and
 * their rows in). Commits when `work` resolves, rolls back when it throws.
 */
export async function transactionWithClient<T>(db: Database, work: (trx: Transaction<DB>, client: pg.ClientBase) => Promise<T>): Promise<T> {
  return withRawClient(db, (client) => onClient(client).transaction().execute((trx) => work(trx, client)));
}
