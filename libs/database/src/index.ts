export * from './schema';
export { backgroundOf, createDatabase, onClient, settleBackgroundPriority, transactionWithClient, withRawClient } from './database';
export type { Database, DatabaseOptions, PriorityOutcome } from './database';
export { installTypeParsers } from './type-parsers';
export { migrateTo, migrateToLatest, pendingMigrations, migrationsFolder } from './migrator';
export { machineSettings, startEmbeddedPostgres, postgresAnswers } from './embedded-postgres';
export type { EmbeddedPostgresOptions, RunningPostgres } from './embedded-postgres';
export { DatabaseModule, DATABASE, InjectDatabase, READ_DATABASE, InjectReadDatabase, readsFromReplica } from './database.module';
