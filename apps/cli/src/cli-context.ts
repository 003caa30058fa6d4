import pino from 'pino';
import { AppConfig, loadConfig } from '@ledger/config';
import { createDatabase, Database, migrateToLatest, RunningPostgres, startEmbeddedPostgres } from '@ledger/database';

export interface CliContext {
  db: Database;
  config: AppConfig;
  close(): Promise<void>;
}

/**
 * Opens the database the service would use: DATABASE_URL, or the embedded cluster under
 * DATA_DIR (reused when the service is running, started for the command otherwise).
 * Pending migrations are applied first (as the service does at start) unless `migrate` is false.
 */
export async function openCliContext({ migrate = true } = {}): Promise<CliContext> {
  const config = loadConfig();
  let embedded: RunningPostgres | null = null;
  let url = config.databaseUrl;
  if (url === undefined) {
    const logger = pino({ level: config.logLevel }, pino.destination(2));
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPostgresPort,
      log: (line) => logger.debug({ postgres: line }),
    });
    url = embedded.url;
  }
  const db = createDatabase({ url, poolSize: 4, applicationName: 'sla-ledger-cli' });
  if (migrate) await migrateToLatest(db);
  return {
    db,
    config,
    close: async () => {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
