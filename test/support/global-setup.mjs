// Jest global setup. Plain ESM on purpose: it runs outside jest's module system and uses the
// compiled service code (`npm test` builds first), where the ES-module packages load natively.
//
// One Postgres serves the whole run: the one in DATABASE_URL when given, otherwise a
// throwaway embedded cluster in a temp folder. Each spec file then creates and migrates a
// database of its own (test/support/test-database.ts), so specs never see each other's rows.
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const compiledDatabaseLib = join(here, '../../dist/libs/database/src/index.js');

export default async function globalSetup() {
  // Each jest project (e2e, faults) names this setup; the cluster is started once per run.
  if (globalThis.__ledgerPostgres) return;
  if (process.env.DATABASE_URL) {
    process.env.LEDGER_TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  if (!existsSync(compiledDatabaseLib)) {
    throw new Error('the end-to-end tests use the compiled service: run `npm run build` first (npm test does)');
  }
  const { startEmbeddedPostgres } = await import(compiledDatabaseLib);
  const dataDir = await mkdtemp(join(tmpdir(), 'sla-ledger-test-'));
  const running = await startEmbeddedPostgres({
    dataDir,
    port: Number(process.env.TEST_PG_PORT ?? (await freePort())),
    database: 'postgres',
    // Durability of this throwaway cluster is not under test; speed is welcome.
    settings: { fsync: 'off', full_page_writes: 'off', synchronous_commit: 'off', max_connections: '300' },
  });
  globalThis.__ledgerPostgres = { running, dataDir };
  process.env.LEDGER_TEST_SERVER_URL = running.url;
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
