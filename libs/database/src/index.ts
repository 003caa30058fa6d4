export * from './schema';
export { createDatabase, onClient, transactionWithClient, withRawClient } from './database';
export type { Database, DatabaseOptions } from './database';
export { installTypeParsers } from './type-parsers';
export { migrateTo, migrateToLatest, pendingMigrations, migrationsFolder } from './migrator';
export { machineSettings, startEmbeddedPostgres, postgresAnswers } from './embedded-postgres';
export type { EmbeddedPostgresOptions, RunningPostgres } from './embedded-postgres';
export { DatabaseModule, DATABASE, InjectDatabase, READ_DATABASE, InjectReadDatabase, readsFromReplica } from './database.module';
