// Jest global setup. Plain ESM on purpose: it runs outside jest's module system and uses the
// compiled service code (`npm test` builds first), where the ES-module packages load natively.
//
// One Postgres serves the whole run: the one in DATABASE_URL when given, otherwise a
// throwaway embedded cluster in a temp folder. The migrations run once per run, into a
// template database; each spec file then clones a database of its own from it
// (test/support/test-database.ts: CREATE DATABASE … TEMPLATE), so specs never see each other's
// rows and none pays for migrating.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import pg from 'pg';

const here = dirname(fileURLToPath(import.meta.url));
const compiledDatabaseLib = join(here, '../../dist/libs/database/src/index.js');

export default async function globalSetup() {
  // Each jest project (int, e2e, faults) names this setup; Postgres and the template are set up once per run.
  if (globalThis.__ledgerTestRun) return;
  if (!existsSync(compiledDatabaseLib)) {
    throw new Error('the database tests use the compiled service: run `npm run build` first (npm test does)');
  }
  const database = await import(compiledDatabaseLib);

  let serverUrl = process.env.DATABASE_URL;
  let stopCluster = async () => undefined;
  if (!serverUrl) {
    const dataDir = await mkdtemp(join(tmpdir(), 'sla-ledger-test-'));
    const running = await database.startEmbeddedPostgres({
      dataDir,
      port: Number(process.env.TEST_PG_PORT ?? (await freePort())),
      database: 'postgres',
      // Durability of this throwaway cluster is not under test; speed is welcome.
      settings: { fsync: 'off', full_page_writes: 'off', synchronous_commit: 'off', max_connections: '300' },
    });
    serverUrl = running.url;
    stopCluster = async () => {
      await running.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }

  // Unique per run: several runs may share one DATABASE_URL server.
  const template = `sla_ledger_template_${randomBytes(6).toString('hex')}`;
  try {
    await createMigratedTemplate(database, serverUrl, template);
  } catch (error) {
    // A failed setup ends the run without a teardown: leave nothing behind.
    await dropDatabase(serverUrl, template).catch(() => undefined);
    await stopCluster();
    throw error;
  }

  globalThis.__ledgerTestRun = {
    // The template lives as long as the cluster; on a server of DATABASE_URL it is dropped.
    teardown: process.env.DATABASE_URL ? () => dropDatabase(serverUrl, template) : stopCluster,
  };
  process.env.LEDGER_TEST_SERVER_URL = serverUrl;
  process.env.LEDGER_TEST_TEMPLATE_DATABASE = template;
}

/** Creates `name`, applies every migration with the service's own migrator, then closes every connection to it. */
async function createMigratedTemplate({ createDatabase, migrateToLatest }, serverUrl, name) {
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = createDatabase({ url: url.toString(), poolSize: 1, applicationName: 'sla-ledger-test-template' });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  // Postgres clones a database only while no session is connected to it: from here on none may
  // connect, so no stray connection (a debugging psql, a leaked pool) can make the clones fail.
  await withAdmin(serverUrl, (admin) => admin.query(`ALTER DATABASE ${pg.escapeIdentifier(name)} ALLOW_CONNECTIONS false`));
}

async function dropDatabase(serverUrl, name) {
  await withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
}

async function withAdmin(serverUrl, work) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
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
