import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { AppConfig, loadConfig } from '@ledger/config';
import { createDatabase, migrateToLatest, RunningPostgres, settleBackgroundPriority, startEmbeddedPostgres } from '@ledger/database';
import { createFastifyAdapter, DatabaseUnavailableFilter, Metrics } from '@ledger/http';
import { AppModule } from './app.module';
import { PinoNestLogger } from './nest-logger';
import { watchParent, WorkerProcess } from './worker-process';

export interface RunningService {
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:3000 */
  url: string;
  databaseUrl: string;
  /** The Nest application, for tests that reach a provider directly. */
  app: NestFastifyApplication;
  /**
   * Graceful stop: new requests are answered 503 with `Connection: close`; the projector
   * finishes (commits or rolls back) the batch it is folding and takes no other; the HTTP
   * server stops listening and answers every request in flight (an ingest batch commits before
   * its answer); then the pool closes and an embedded Postgres stops.
   */
  close(): Promise<void>;
}

export type Logger = pino.Logger;

export interface StartOptions {
  /**
   * The script this process was started with: given, a ROLE=all service with
   * WORKER_PROCESS=child starts its worker from it in a process of its own (worker-process.ts).
   * Without it (a service started inside another program, as tests do) the worker runs inline.
   */
  entryScript?: string;
}

/**
 * Starts SLA Ledger: the database (embedded when DATABASE_URL is unset), migrations, then the
 * HTTP server and/or worker for the configured role.
 */
export async function startService(config: AppConfig, logger: Logger = pino({ level: config.logLevel }), options: StartOptions = {}): Promise<RunningService> {
  let embedded: RunningPostgres | null = null;
  let databaseUrl = config.databaseUrl;
  if (databaseUrl === undefined) {
    logger.info({ dataDir: config.dataDir }, 'DATABASE_URL is unset: starting the embedded Postgres');
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.embeddedPostgresPort,
      stopOnSignals: false,
      log: (line) => logger.debug({ postgres: line }),
    });
    databaseUrl = embedded.url;
  }

  const db = createDatabase({ url: databaseUrl, poolSize: config.dbPoolSize, applicationName: `sla-ledger-${config.role}`, backgroundNice: config.dbBackgroundNice });
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ applied }, 'applied migrations');
    const priority = await settleBackgroundPriority(db);
    if (priority?.lowered === true) logger.info({ nice: config.dbBackgroundNice }, 'ingest, folding and archiving run on Postgres backends of lower CPU priority than queries');
    else if (priority?.lowered === false) logger.info({ reason: priority.reason }, 'ingest, folding and archiving run at the same priority as queries');
  } catch (error) {
    await db.destroy();
    await embedded?.stop();
    throw error;
  }
  // The API's reads go to the replica when one is configured; a worker reads nothing from it.
  // Its own pool, as large as the primary's; it is never migrated (it replays the primary's WAL).
  const servesApi = config.role !== 'worker';
  const readDb = servesApi && config.databaseReadUrl !== undefined
    ? createDatabase({ url: config.databaseReadUrl, poolSize: config.dbPoolSize, applicationName: `sla-ledger-${config.role}-read` })
    : db;
  if (readDb !== db) logger.info('DATABASE_READ_URL is set: queries, status pages and exports read from the replica');

  const workerScript = config.role === 'all' && config.workerProcess === 'child' ? options.entryScript : undefined;
  const modules = workerScript === undefined ? config : { ...config, role: 'api' as const };
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRole(modules, db, readDb), createFastifyAdapter(), {
    logger: new PinoNestLogger(logger),
    // The adapter brings every body parser (ingest bodies go to memory shared with the ingest thread).
    bodyParser: false,
    // From the start of a shutdown, new requests get 503 (retry elsewhere) while those in
    // flight are answered.
    return503OnClosing: true,
  });
  const metrics = config.role === 'worker' ? null : app.get(Metrics);
  app.useGlobalFilters(
    new DatabaseUnavailableFilter(app.getHttpAdapter(), (error) => {
      metrics?.databaseUnavailable.inc();
      logger.warn({ err: error }, 'the database is unavailable: answered 503');
    }),
  );
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  logger.info({ url, role: config.role }, 'SLA Ledger is listening');
  // Started once the API listens, so that the first "listening" line is the API's.
  const worker = workerScript === undefined ? null : new WorkerProcess(workerScript, {
    ...process.env, ROLE: 'worker', DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: '0',
  }, logger);
  worker?.start();

  return {
    url,
    databaseUrl,
    app,
    close: async () => {
      await Promise.all([app.close(), worker?.stop()]);
      await embedded?.stop();
    },
  };
}

/** "SLA Ledger is listening on http://…: status page …/status, GraphiQL …/graphql, health …/readyz." */
export function startedLine(config: AppConfig, url: string): string {
  const open = [
    ...(config.role !== 'worker' && config.statusPage !== 'off' ? [`status page ${url}/status`] : []),
    ...(config.role !== 'worker' && !config.production ? [`GraphiQL ${url}/graphql`] : []),
    `health ${url}/readyz`,
  ];
  const what = config.role === 'all' ? 'SLA Ledger (API and worker)' : config.role === 'api' ? 'SLA Ledger (API only)' : 'SLA Ledger (worker only)';
  return `${what} is listening on ${url}: ${open.join(', ')}. Stop with Ctrl-C. JSON logs follow on standard output.`;
}

/**
 * A process entry point: start, then shut down gracefully on SIGTERM/SIGINT.
 * `overrides` are settings an entry point fixes (the worker app fixes ROLE).
 */
export async function runService(overrides: NodeJS.ProcessEnv = {}): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig({ ...process.env, ...overrides });
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const logger = pino({ level: config.logLevel });
  try {
    const service = await startService(config, logger, { entryScript: process.argv[1] });
    // For a person who started it in a terminal: where it listens and what to open, in words (on
    // stderr; the logs on stdout stay JSON for machines, and a supervisor's stderr stays quiet).
    if (process.stderr.isTTY) process.stderr.write(`${startedLine(config, service.url)}\n`);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const started = Date.now();
      service.close().then(
        () => {
          logger.info({ ms: Date.now() - started }, 'stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    watchParent(() => stop('the service that started this worker is gone'));
  } catch (error) {
    logger.fatal({ err: error }, 'SLA Ledger failed to start');
    process.exit(1);
  }
}
