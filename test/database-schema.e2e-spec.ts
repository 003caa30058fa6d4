import { sql } from 'kysely';
import { createDatabase, Database, DB_TABLES } from '@ledger/database';
import { createTestDatabase } from './support/test-database';

// The typed `DB` interface must know every table the migrations create: a table reached only
// with raw SQL and a hand-written row type compiles after a schema change and fails at run time.
describe('the typed DB interface', () => {
  let db: Database;
  beforeAll(async () => (db = createDatabase({ url: await createTestDatabase(), poolSize: 1 })));
  afterAll(() => db.destroy());

  it('lists exactly the tables the migrations create', async () => {
    const { rows } = await sql<{ name: string }>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('schema_migrations', 'schema_migrations_lock') -- the migrator's own
      ORDER BY table_name`.execute(db);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.name)).toEqual([...DB_TABLES].sort());
  });
});
