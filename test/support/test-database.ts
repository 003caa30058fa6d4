import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, migrateToLatest } from '@ledger/database';

function serverUrl(): string {
  const url = process.env.LEDGER_TEST_SERVER_URL;
  if (!url) throw new Error('LEDGER_TEST_SERVER_URL is unset: run the e2e project through jest (global setup)');
  return url;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A fresh, empty database for one spec file. Returns its URL. */
export async function createEmptyDatabase(): Promise<string> {
  const name = `sla_ledger_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return withDatabase(serverUrl(), name);
}

/** A fresh database with every migration applied. */
export async function createTestDatabase(): Promise<string> {
  const url = await createEmptyDatabase();
  const db = createDatabase({ url, poolSize: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return url;
}
