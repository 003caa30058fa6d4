import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports';
import { waitFor } from './wait';

const run = promisify(execFile);

/** Where Debian's PostgreSQL server packages put their binaries: /usr/lib/postgresql/<major>/bin. */
const DEBIAN_POSTGRES = '/usr/lib/postgresql';
const NEEDED = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'];

/**
 * The bin folder of the newest Debian PostgreSQL server installed (every binary a streaming
 * pair needs), or null with the reason when there is none.
 */
export function debianPostgresBin(): { bin: string; major: number } | { bin: null; reason: string } {
  const majors = existsSync(DEBIAN_POSTGRES)
    ? readdirSync(DEBIAN_POSTGRES).filter((d) => /^\d+$/.test(d)).map(Number).sort((a, b) => b - a)
    : [];
  for (const major of majors) {
    const bin = join(DEBIAN_POSTGRES, String(major), 'bin');
    if (NEEDED.every((name) => existsSync(join(bin, name)))) return { bin, major };
  }
  return { bin: null, reason: `no ${NEEDED.join(', ')} under ${DEBIAN_POSTGRES}/<version>/bin (apt-get install postgresql)` };
}

/**
 * A real primary and a real streaming replica of it (`pg_basebackup -R`), from Debian's
 * PostgreSQL server binaries, on free loopback ports, in a temporary folder. Postgres refuses to
 * run as root: run as root (CI), every server command runs as the `postgres` system user the
 * Debian package creates, and the folders are that user's.
 */
export class StreamingPair {
  readonly primaryUrl: string;
  readonly replicaUrl: string;
  private started: ('primary' | 'replica')[] = [];

  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    private readonly primaryPort: number,
    private readonly replicaPort: number,
    readonly database: string,
  ) {
    this.primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/${database}`;
    this.replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/${database}`;
  }

  /** initdb, start the primary, create `database`, base-backup it into a replica, start the replica; resolves once the replica answers. */
  static async start(bin: string, database = 'sla_ledger'): Promise<StreamingPair> {
    const dir = await mkdtemp(join(tmpdir(), 'sla-ledger-replica-'));
    const pair = new StreamingPair(bin, dir, await freePort(), await freePort(), database);
    try {
      await pair.setUp();
      return pair;
    } catch (error) {
      const logs = await pair.logs();
      await pair.stop();
      throw new Error(`${(error as Error).message}\n${logs}`, { cause: error });
    }
  }

  private get runsAsRoot(): boolean {
    return process.getuid?.() === 0;
  }

  /** Runs a Postgres binary, as the postgres user when this process is root. */
  private async pg(name: string, args: string[]): Promise<string> {
    const [command, argv] = this.runsAsRoot ? ['runuser', ['-u', 'postgres', '--', join(this.bin, name), ...args]] : [join(this.bin, name), args];
    try {
      const { stdout } = await run(command, argv, { timeout: 120_000 });
      return stdout;
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`${name} ${args.join(' ')} failed: ${(error as Error).message}\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
    }
  }

  private async setUp(): Promise<void> {
    if (this.runsAsRoot) {
      const { stdout } = await run('id', ['-u', 'postgres']).catch(() => ({ stdout: '' }));
      const uid = Number(stdout.trim());
      if (stdout.trim() === '') throw new Error('running as root, but there is no postgres system user to run Postgres as (the postgresql package creates it)');
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      await chown(this.dir, uid, Number(gid.trim()));
    }
    const primary = join(this.dir, 'primary');
    await this.pg('initdb', ['-D', primary, '-U', 'postgres', '--auth=trust', '--no-locale', '-E', 'UTF8', '--no-sync']);
    // Appended as root to files postgres owns: writing keeps their owner.
    await appendFile(join(primary, 'postgresql.conf'), [
      '',
      "listen_addresses = '127.0.0.1'",
      `port = ${this.primaryPort}`,
      "unix_socket_directories = ''",
      'wal_level = replica',
      'max_wal_senders = 5',
      'hot_standby = on',
      // Long report queries on the replica are not cancelled by the primary's vacuum.
      'hot_standby_feedback = on',
      // A throwaway pair: durability is not under test.
      'fsync = off',
      'synchronous_commit = off',
      '',
    ].join('\n'));
    await writeFile(join(primary, 'pg_hba.conf'), [
      'host all all 127.0.0.1/32 trust',
      'host replication all 127.0.0.1/32 trust',
      '',
    ].join('\n'));
    await this.pg('pg_ctl', ['-D', primary, '-l', join(this.dir, 'primary.log'), '-w', '-t', '120', 'start']);
    this.started.push('primary');
    await this.query('primary', 'postgres', `CREATE DATABASE ${pg.escapeIdentifier(this.database)}`);

    const replica = join(this.dir, 'replica');
    await this.pg('pg_basebackup', ['-R', '-D', replica, '-h', '127.0.0.1', '-p', String(this.primaryPort), '-U', 'postgres', '-X', 'stream', '-c', 'fast', '--no-sync']);
    await this.pg('pg_ctl', ['-D', replica, '-l', join(this.dir, 'replica.log'), '-o', `-p ${this.replicaPort}`, '-w', '-t', '120', 'start']);
    this.started.push('replica');
    await waitFor(async () => (await this.query('replica', this.database, 'SELECT pg_is_in_recovery() AS r').catch(() => []))[0]?.r === true, {
      what: 'the replica to accept connections in recovery',
      timeoutMs: 60_000,
      intervalMs: 100,
    });
  }

  /** One statement on one of the two servers, on a connection of its own. */
  async query<R extends Record<string, unknown> = Record<string, any>>(server: 'primary' | 'replica', database: string, text: string, values: unknown[] = []): Promise<R[]> {
    const port = server === 'primary' ? this.primaryPort : this.replicaPort;
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database, application_name: 'read-replica-test' });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** Stops one server (fast shutdown: sessions are disconnected). */
  async stopServer(server: 'primary' | 'replica'): Promise<void> {
    if (!this.started.includes(server)) return;
    await this.pg('pg_ctl', ['-D', join(this.dir, server), '-m', 'fast', '-w', '-t', '120', 'stop']);
    this.started = this.started.filter((s) => s !== server);
  }

  /** Both servers' logs, for a failure message. */
  async logs(): Promise<string> {
    const parts: string[] = [];
    for (const server of ['primary', 'replica']) {
      const text = await readFile(join(this.dir, `${server}.log`), 'utf8').catch(() => '');
      if (text !== '') parts.push(`--- ${server}.log (last lines)\n${text.split('\n').slice(-30).join('\n')}`);
    }
    return parts.join('\n');
  }

  /** Stops whatever runs (the replica first) and removes the folder. */
  async stop(): Promise<void> {
    for (const server of ['replica', 'primary'] as const) await this.stopServer(server).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}
