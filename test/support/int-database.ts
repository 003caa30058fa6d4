import { createDatabase, Database } from '@ledger/database';
import { createTestDatabase } from './test-database';

/**
 * For repository tests (`libs/**\/*.int.spec.ts`, the `int` jest project): a database of the
 * spec file's own, cloned from the run's migrated template, opened the way the service opens
 * its database (same type parsers, a pg pool). Destroy it in `afterAll`:
 *
 *   let db: Database;
 *   beforeAll(async () => (db = await openTestDatabase()));
 *   afterAll(() => db.destroy());
 *
 * Tests in one file share the database, so each names its own rows (a provider, a platform, a
 * key id of its own) rather than assuming empty tables.
 */
export async function openTestDatabase(options: { poolSize?: number } = {}): Promise<Database> {
  return createDatabase({ url: await createTestDatabase(), poolSize: options.poolSize ?? 4, applicationName: 'sla-ledger-int-spec' });
}
