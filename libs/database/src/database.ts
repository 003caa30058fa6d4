import { Kysely, PostgresCursor, PostgresDialect, PostgresPoolClient, Transaction } from 'kysely';
import pg from 'pg';
import type { DB } from './schema';
import { installTypeParsers } from './type-parsers';
import { lowerBackendPriority } from './background-priority';

export type Database = Kysely<DB>;

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
  /**
   * Gives background work (`backgroundOf`) a pool of its own, as large, whose Postgres backends
   * run at this Linux nice value when Postgres runs on this machine (background-priority.ts).
   * 0 or unset: one pool for everything.
   */
  backgroundNice?: number;
}

/** How a database's connections are taken: its pool, and what a new connection needs first. */
interface Connections {
  pool: pg.Pool;
  connect(): Promise<pg.PoolClient>;
}

interface Background {
  db: Database;
  /** What lowering the first background connection's priority did; null until one was taken. */
  outcome: PriorityOutcome | null;
}

const connectionsOf = new WeakMap<Database, Connections>();
const backgroundFor = new WeakMap<Database, Background>();

/** Creates the one Kysely instance a process uses, over a pg pool (and a background one, see `backgroundOf`). */
export function createDatabase({ url, poolSize = 10, applicationName = 'sla-ledger', backgroundNice = 0 }: DatabaseOptions): Database {
  installTypeParsers();
  const pool = newPool(url, poolSize, applicationName);
  const backgroundPool = backgroundNice > 0 ? newPool(url, poolSize, `${applicationName}-background`) : null;
  // The background pool ends with the database, unless settleBackgroundPriority ended it already.
  const db: Database = kyselyOver({ pool, connect: () => pool.connect() }, async () => {
    await Promise.all([pool.end(), backgroundFor.has(db) ? backgroundPool?.end() : undefined]);
  });
  if (backgroundPool !== null) {
    const lowered = new WeakSet<pg.PoolClient>();
    const background: Background = {
      outcome: null,
      db: kyselyOver({
        pool: backgroundPool,
        connect: async () => {
          const client = await backgroundPool.connect();
          if (!lowered.has(client)) {
            lowered.add(client);
            // Every new connection is a new backend to lower; the first one's outcome is the pool's.
            const outcome = await lowerBackendPriority(client, backgroundNice);
            background.outcome ??= outcome;
          }
          return client;
        },
      }, async () => undefined),
    };
    backgroundFor.set(db, background);
  }
  return db;
}

/**
 * The database for work that may wait — ingest's COPY, the projections' folds, the archive —
 * through connections whose Postgres backends yield the CPU to the queries' (createDatabase's
 * `backgroundNice`); the database itself when it has no such pool.
 */
export function backgroundOf(db: Database): Database {
  return backgroundFor.get(db)?.db ?? db;
}

export type PriorityOutcome = { lowered: true } | { lowered: false; reason: string };

/**
 * Takes a background connection and says whether its backend's priority could be lowered. When it
 * could not (Postgres elsewhere, or not permitted), background work goes back to the one pool.
 * Null when the database has no background pool.
 */
export async function settleBackgroundPriority(db: Database): Promise<PriorityOutcome | null> {
  const background = backgroundFor.get(db);
  if (background === undefined) return null;
  await withRawClient(background.db, async () => undefined);
  const outcome = background.outcome!;
  if (!outcome.lowered) {
    backgroundFor.delete(db);
    await connectionsOf.get(background.db)!.pool.end();
  }
  return outcome;
}

function newPool(url: string, size: number, applicationName: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
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
  return pool;
}

function kyselyOver(connections: Connections, end: () => Promise<void>): Database {
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: { connect: async () => queriedByCallback(await connections.connect()), end } }),
  });
  connectionsOf.set(db, connections);
  return db;
}

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
  const connections = connectionsOf.get(db);
  if (connections === undefined) throw new Error('withRawClient needs a database created by createDatabase');
  const client = await connections.connect();
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
