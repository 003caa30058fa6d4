import { join, resolve } from 'node:path';
import { z } from 'zod';
import { SLUG_PATTERN } from '@ledger/domain';

/** Which parts of the service a process runs (operations.md § Configuration). */
export const ROLES = ['all', 'api', 'worker'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Batches appended at once unless INGEST_CONCURRENCY says otherwise. A batch is parsed in its
 * turn, and Postgres idles meanwhile: with two turns a process that only ingests kept 1.77–1.79
 * of 2 cores busy, with three 1.90–1.93 (bench:ingest, ROLE=api). A process that also folds
 * (ROLE=all) keeps two: there ingest shares the cores with the folding, and the projections' lag
 * is worth more than the last part of the ingest rate (bench:scale). A worker takes no ingest.
 */
const DEFAULT_INGEST_CONCURRENCY: Record<Role, number> = { all: 2, api: 3, worker: 2 };

const envSchema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  DATABASE_READ_URL: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  ADMIN_API_KEY: z
    .string()
    .min(32, 'ADMIN_API_KEY must be at least 32 characters long')
    .optional(),
  ROLE: z.enum(ROLES).default('all'),
  WORKER_PROCESS: z.enum(['child', 'inline']).default('inline'),
  NODE_ENV: z.string().default('development'),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DB_BACKGROUND_NICE: z.coerce.number().int().min(0).max(19).default(10),
  RATE_LIMIT_INGEST_EVENTS_PER_SECOND: z.coerce.number().positive().default(200_000),
  RATE_LIMIT_QUERIES_PER_SECOND: z.coerce.number().positive().default(100),
  AUTO_ISSUE_STATEMENTS: z.enum(['true', 'false']).default('true'),
  AUTO_OPEN_CLAIMS: z.enum(['true', 'false']).default('true'),
  STATUS_PAGE: z.enum(['key', 'public', 'off']).default('key'),
  INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  INGEST_THREADS: z.coerce.number().int().min(0).max(64).default(1),
  RAW_EVENTS_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
  ARCHIVE_DIR: z.string().min(1).optional(),
  ALERT_SECRETS_KEY: z.string().min(32, 'ALERT_SECRETS_KEY must be at least 32 characters long').optional(),
  ALLOW_PRIVATE_WEBHOOKS: z.enum(['true', 'false']).default('false'),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  WEBHOOK_RETRY_FOR_SECONDS: z.coerce.number().int().min(1).max(7 * 86_400).default(86_400),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PROVIDER_STATUS_FEEDS: z.string().default('').transform((value, ctx) => {
    const { feeds, problems } = parseStatusFeeds(value);
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
    return feeds;
  }),
  // At most an hour: the backoff after failures is capped at an hour too, so it never polls sooner than usual.
  PROVIDER_STATUS_POLL_SECONDS: z.coerce.number().int().min(5).max(3600).default(300),
});

/** A provider's Statuspage incidents.json the worker polls. */
export interface StatusFeedSetting {
  provider: string;
  url: string;
}

/**
 * Reads PROVIDER_STATUS_FEEDS: `provider=url` pairs separated by commas (blanks around them and
 * empty entries ignored). A provider is a lowercase slug, named once; a URL is http(s) without
 * a username or password (the poller logs it). Every bad entry is a problem of its own.
 */
export function parseStatusFeeds(value: string): { feeds: StatusFeedSetting[]; problems: string[] } {
  const feeds: StatusFeedSetting[] = [];
  const problems: string[] = [];
  for (const entry of value.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const equals = entry.indexOf('=');
    if (equals < 0) {
      problems.push(`"${entry}" must be provider=url`);
      continue;
    }
    const provider = entry.slice(0, equals).trim();
    const url = entry.slice(equals + 1).trim();
    if (!SLUG_PATTERN.test(provider)) {
      problems.push(`"${entry}": the provider before the = must be a lowercase slug: [a-z0-9][a-z0-9._-]{0,63}`);
    } else if (feeds.some((f) => f.provider === provider)) {
      problems.push(`${provider} is named twice`);
    } else {
      const problem = urlProblem(url);
      if (problem === null) feeds.push({ provider, url });
      else problems.push(`${provider}: ${problem}`);
    }
  }
  return { feeds, problems };
}

function urlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `the URL must be http or https, not ${parsed.protocol.slice(0, -1)}`;
  if (parsed.username !== '' || parsed.password !== '') return 'the URL must not carry a username or password';
  return null;
}

export interface AppConfig {
  /** Unset → the service starts an embedded Postgres under `dataDir`. */
  databaseUrl: string | undefined;
  /**
   * A streaming replica of the primary for the API's reads (GraphQL queries, status pages, CSV
   * exports); unset → every read goes to the primary (operations.md § Read replica).
   */
  databaseReadUrl: string | undefined;
  port: number;
  host: string;
  adminApiKey: string | undefined;
  role: Role;
  /**
   * ROLE=all: the worker runs in the API's process (`inline`: one process, about half the memory;
   * ingest bodies are parsed on a thread of their own either way), or in a process of its own
   * that the API process starts and restarts (`child`: the JavaScript of queries and of folding
   * gets a core each).
   */
  workerProcess: 'child' | 'inline';
  production: boolean;
  dataDir: string;
  embeddedPostgresPort: number;
  dbPoolSize: number;
  /**
   * Linux nice value for the Postgres backends of ingest's COPY, the projections' folds and the
   * archive, when Postgres runs on this machine (0: no lower priority, one pool).
   */
  dbBackgroundNice: number;
  /** Per-key sustained rates (bursts of two seconds' worth). */
  rateLimits: { ingestEventsPerSecond: number; queriesPerSecond: number };
  /** The worker issues statements of ended periods after the grace delay (concepts §6). */
  autoIssueStatements: boolean;
  /** Open a draft claim for every statement with a credit (the worker's schedule). */
  autoOpenClaims: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /**
   * Ingest batches a process appends at once; more wait their turn, up to four per slot (then
   * 503). By default 2 where the process also folds the projections (ROLE=all), 3 where it only
   * serves the API: see DEFAULT_INGEST_CONCURRENCY.
   */
  ingestConcurrency: number;
  /** Threads that parse and validate ingest bodies, off the event loop that answers queries (0: on it). */
  ingestThreads: number;
  /**
   * Raw-event retention: whole UTC days of the outcome log kept besides today (older days are
   * archived to `archiveDir` and dropped); unset → keep everything.
   */
  rawEventsRetentionDays: number | undefined;
  /** Where archived days of the log are written (default `<dataDir>/archive`). */
  archiveDir: string;
  /** Who may see /status (see libs/status-page): a read key, anyone, or nobody. */
  statusPage: 'key' | 'public' | 'off';
  /**
   * Alert webhooks: the key that seals their signing secrets at rest (unset → a key file
   * `<dataDir>/alert-secrets.key`, made on first use), and whether they may target loopback and
   * private addresses (never cloud metadata addresses), and how failed deliveries are retried
   * (the first delay, doubling up to an hour; given up this long after the first attempt).
   */
  alerts: { secretsKey: string | undefined; secretsKeyFile: string; allowPrivateWebhooks: boolean; retryBaseDelayMs: number; retryForMs: number };
  /**
   * Provider status feeds (operations.md § Provider status feeds): the Statuspage incidents.json
   * the worker polls per provider, every `pollSeconds` (later after failures); none → no poller.
   */
  providerStatus: { feeds: StatusFeedSetting[]; pollSeconds: number };
}

/** Reads and validates the environment; throws one readable error listing every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    databaseReadUrl: e.DATABASE_READ_URL,
    port: e.PORT,
    host: e.HOST,
    adminApiKey: e.ADMIN_API_KEY,
    role: e.ROLE,
    workerProcess: e.WORKER_PROCESS,
    production: e.NODE_ENV === 'production',
    dataDir: resolve(e.DATA_DIR),
    embeddedPostgresPort: e.EMBEDDED_PG_PORT,
    dbPoolSize: e.DB_POOL_SIZE,
    dbBackgroundNice: e.DB_BACKGROUND_NICE,
    autoIssueStatements: e.AUTO_ISSUE_STATEMENTS === 'true',
    autoOpenClaims: e.AUTO_OPEN_CLAIMS === 'true',
    rateLimits: { ingestEventsPerSecond: e.RATE_LIMIT_INGEST_EVENTS_PER_SECOND, queriesPerSecond: e.RATE_LIMIT_QUERIES_PER_SECOND },
    logLevel: e.LOG_LEVEL,
    statusPage: e.STATUS_PAGE,
    ingestConcurrency: e.INGEST_CONCURRENCY ?? DEFAULT_INGEST_CONCURRENCY[e.ROLE],
    ingestThreads: e.INGEST_THREADS,
    rawEventsRetentionDays: e.RAW_EVENTS_RETENTION_DAYS,
    archiveDir: resolve(e.ARCHIVE_DIR ?? join(e.DATA_DIR, 'archive')),
    alerts: { secretsKey: e.ALERT_SECRETS_KEY, secretsKeyFile: resolve(join(e.DATA_DIR, 'alert-secrets.key')), allowPrivateWebhooks: e.ALLOW_PRIVATE_WEBHOOKS === 'true',
      retryBaseDelayMs: e.WEBHOOK_RETRY_BASE_MS, retryForMs: e.WEBHOOK_RETRY_FOR_SECONDS * 1000,
    },
    providerStatus: { feeds: e.PROVIDER_STATUS_FEEDS, pollSeconds: e.PROVIDER_STATUS_POLL_SECONDS },
  };
}
