import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Kysely, Migration, MigrationProvider, Migrator, sql } from 'kysely';

/**
 * Migrations are plain SQL files in the repository's `migrations/` folder, named so that they
 * sort by date. Kysely's Migrator applies all pending ones in one transaction (a failure leaves
 * the schema as it was) and holds an advisory lock while it works, so instances starting
 * together apply every migration exactly once.
 */
export class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly folder: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.folder)).filter((f) => f.endsWith('.sql')).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const text = await readFile(join(this.folder, file), 'utf8');
      migrations[file.replace(/\.sql$/, '')] = {
        // No parameters → pg uses the simple query protocol, which accepts many statements.
        up: async (db: Kysely<any>) => {
          await sql.raw(text).execute(db);
        },
      };
    }
    return migrations;
  }
}

/** The `migrations/` folder beside the project's package.json, from source or from dist/. */
export function migrationsFolder(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'migrations')) || !existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the migrations/ folder');
    dir = parent;
  }
  return join(dir, 'migrations');
}

function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: new SqlFileMigrationProvider(migrationsFolder()),
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
}

/** Applies every pending migration; returns the names applied by this call. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await createMigrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${detail}`.replace('  ', ' '));
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Applies the pending migrations up to and including `name` (to test a migration on data of the schema before it). */
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  const { error } = await createMigrator(db).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/** Names of migrations in the folder that the database has not applied yet. */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const migrations = await createMigrator(db).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
