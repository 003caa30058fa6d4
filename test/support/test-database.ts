import { randomBytes } from 'node:crypto';
import pg from 'pg';

function serverUrl(): string {
  const url = process.env.LEDGER_TEST_SERVER_URL;
  if (!url) throw new Error('LEDGER_TEST_SERVER_URL is unset: run the int, e2e or faults project through jest (global setup)');
  return url;
}

/** The database the global setup migrated for this run (test/support/global-setup.mjs). */
function templateDatabase(): string {
  const name = process.env.LEDGER_TEST_TEMPLATE_DATABASE;
  if (!name) throw new Error('LEDGER_TEST_TEMPLATE_DATABASE is unset: run the int, e2e or faults project through jest (global setup)');
  return name;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function createDatabaseFrom(template: string | null): Promise<string> {
  const name = `sla_ledger_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}${template === null ? '' : ` TEMPLATE ${pg.escapeIdentifier(template)}`}`);
  } finally {
    await admin.end();
  }
  return withDatabase(serverUrl(), name);
}

/** A fresh, empty database for one spec file (migration tests). Returns its URL. */
export async function createEmptyDatabase(): Promise<string> {
  return createDatabaseFrom(null);
}

/**
 * A fresh database with every migration applied, for one spec file: a clone of the run's
 * migrated template, far cheaper than migrating. A service started on it finds nothing to migrate.
 */
export async function createTestDatabase(): Promise<string> {
  return createDatabaseFrom(templateDatabase());
}
