import { Inject, Injectable } from '@nestjs/common';
import { Kysely, sql, Transaction } from 'kysely';
import type pg from 'pg';
import { backgroundOf, Database, DB, InjectDatabase, transactionWithClient, withRawClient } from '@ledger/database';
import { InputError } from '@ledger/domain';
import { isAfter, LOG_START, LogPosition, OutcomeLogReader } from '@ledger/event-store';
import { CheckpointRepository } from './checkpoint.repository';
import { foregroundRequests } from './foreground-requests';
import { LogBatch, Projection, RebuildContext, ReadModelTable } from './projection';

/** The projections the runner keeps, in fold order (see libs/runtime/src/projections.ts). */
export const PROJECTIONS = Symbol('PROJECTIONS');

export type StepResult = { status: 'folded'; events: number } | { status: 'idle' } | { status: 'busy' };

export interface ProjectionState {
  name: string;
  position: LogPosition;
  eventsFolded: number;
  generation: bigint;
  /** Committed events it has not folded yet: exact up to `EXACT_LAG_UP_TO`, estimated beyond. */
  lagEvents: number;
  lagExact: boolean;
  updatedAt: Date;
}

/** What a rebuild is doing: a projection's own phases (folding, writing, summarizing…), then indexing, catching up, swapped. */
export interface RebuildProgress {
  folded: number;
  /** Events to fold: an upper bound while folding (the last event's position), exact at the end. */
  total: number;
  phase: string;
}

export interface RebuildOptions {
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /**
   * Rebuild although days of the log are archived and not restored: their read models (rollups,
   * outages) are then lost. Without it, such a rebuild is refused.
   */
  withoutArchivedDays?: boolean;
  /** About how many bytes of the log's day partitions a projection folds in memory at once (`RebuildContext.stretchBytes`). */
  stretchBytes?: number;
}

/** The default `RebuildOptions.stretchBytes`: about 400,000 events, some 30 MB of a fold's arrays. */
export const DEFAULT_STRETCH_BYTES = 64 * 2 ** 20;

export interface CatchUpOptions {
  /** Events in the first batch, and in every batch while the projection keeps up. */
  batchSize: number;
  /**
   * While batches come back full (a backlog), each next one is twice as large, up to this — from
   * one call to the next too: a batch's fixed costs (a round of statements, re-deriving each
   * series it touched) are then spread over more events. `batchSize` when omitted.
   */
  maxBatchSize?: number;
  /** How long to keep folding; unbounded when omitted. */
  budgetMs?: number;
  /** Wait for the projection's lock rather than give up when another runner holds it. */
  wait?: boolean;
  /** The time `settle` is given (now when omitted). */
  now?: number;
  /** Asked before each batch: true stops (a graceful shutdown). */
  stop?: () => boolean;
}

/** Lag is counted event by event up to this many; beyond, estimated from log positions (a count of millions would take seconds). */
export const EXACT_LAG_UP_TO = 100_000;

const ASIDE_SCHEMA = 'read_models_rebuild';
const REBUILD_LOCK = 'rebuild:read-models';

/**
 * Runs every registered projection. For each one it owns what no projection should write twice:
 *
 * - one runner at a time per projection across all processes (an advisory lock), and a
 *   checkpoint advanced compare-and-set in the same transaction as the projection's writes —
 *   so a crash anywhere loses or doubles nothing;
 * - commit-safe batches of the log through the event store's reader (an event that commits
 *   late is read after it commits, never skipped); a projection that follows another is given
 *   everything that one has folded beyond it, as one batch;
 * - lag, for the metrics and the `projections` query;
 * - rebuild aside and swap: every read model built afresh in a schema of its own while the
 *   public ones keep serving, then swapped in with their checkpoints, one generation later, in
 *   one transaction.
 */
@Injectable()
export class ProjectionRunner {
  private readonly byName: ReadonlyMap<string, Projection>;
  /** Per projection, the batch size a backlog has grown to (see `CatchUpOptions.maxBatchSize`). */
  private readonly grownBatchSizes = new Map<string, number>();
  /** Projections whose batch came back full at a size it had already grown to, and not idle since. */
  private readonly workingOffBacklog = new Set<string>();

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly log: OutcomeLogReader,
    private readonly checkpoints: CheckpointRepository,
    @Inject(PROJECTIONS) readonly projections: readonly Projection[],
  ) {
    const byName = new Map<string, Projection>();
    for (const projection of projections) {
      if (byName.has(projection.name)) throw new Error(`two projections are named ${projection.name}`);
      if (projection.follows !== undefined && !byName.has(projection.follows)) {
        throw new Error(`${projection.name} follows ${projection.follows}, which must be registered before it`);
      }
      byName.set(projection.name, projection);
    }
    this.byName = byName;
  }

  /** Where folds run: connections whose backends yield the CPU to the queries' (backgroundOf). */
  private get folding(): Database {
    return backgroundOf(this.db);
  }

  /** Folds the next batch of one projection; with `wait`, waits for its lock rather than answering busy. */
  async step(name: string, options: { batchSize: number; wait?: boolean }): Promise<StepResult> {
    const projection = this.projection(name);
    return transactionWithClient(this.folding, async (trx, client) => {
      if (options.wait === true) await lockProjection(trx, name);
      else if (!(await tryLockProjection(trx, name))) return { status: 'busy' } as const;
      return this.stepLocked(trx, client, projection, options.batchSize);
    });
  }

  /**
   * Folds batches of one projection until it is idle (then lets it settle), another runner holds
   * it, or `budgetMs` is spent. Returns the events folded.
   */
  async catchUp(name: string, options: CatchUpOptions): Promise<number> {
    const projection = this.projection(name);
    const deadline = Date.now() + (options.budgetMs ?? Infinity);
    const maxBatchSize = Math.max(options.batchSize, options.maxBatchSize ?? options.batchSize);
    let batchSize = Math.min(maxBatchSize, Math.max(options.batchSize, this.grownBatchSizes.get(name) ?? 0));
    let folded = 0;
    try {
      while (Date.now() < deadline && options.stop?.() !== true) {
        // Between batches, the queries this process is answering go first.
        await foregroundRequests.yield();
        const result = await this.step(name, { batchSize, wait: options.wait });
        if (result.status === 'busy') {
          this.workingOffBacklog.delete(name);
          return folded;
        }
        if (result.status === 'idle') {
          batchSize = options.batchSize;
          this.workingOffBacklog.delete(name);
          if (projection.settle !== undefined) await this.settle(projection, options.now ?? Date.now(), options.wait === true);
          return folded;
        }
        folded += result.events;
        batchSize = result.events >= batchSize ? Math.min(2 * batchSize, maxBatchSize) : options.batchSize;
        if (batchSize > options.batchSize && result.events > options.batchSize) this.workingOffBacklog.add(name);
        else this.workingOffBacklog.delete(name);
      }
      return folded;
    } finally {
      this.grownBatchSizes.set(name, batchSize);
    }
  }

  /**
   * Whether a projection this process folds is working off a backlog: its batch came back full at
   * a size it had already grown to. Ingest in the same process runs fewer batches at once
   * meanwhile (`IngestGate`), so that the folding, and the queries, get Postgres back.
   */
  get backlogged(): boolean {
    return this.workingOffBacklog.size > 0;
  }

  /**
   * Every projection's checkpoint and lag, in registration order, as `db` has them: the primary,
   * or a replica (whose checkpoints and log are as far as it has replayed).
   */
  async states(db: Kysely<DB> = this.db): Promise<ProjectionState[]> {
    // One transaction (one connection) for the checkpoints and every count; the counts are queued
    // on it together, so each follows the last without a turn of the event loop in between.
    const read = async (trx: Kysely<DB>) => {
      const stored = new Map((await this.checkpoints.all(trx)).map((c) => [c.name, c]));
      const checkpoints = this.projections.map(({ name }) => stored.get(name) ?? { name, position: LOG_START, eventsFolded: 0, generation: 1n, updatedAt: new Date(0) });
      const lags = await this.log.countsAfter(trx, checkpoints.map((c) => c.position), EXACT_LAG_UP_TO);
      return checkpoints.map((checkpoint, i) => ({ ...checkpoint, lagEvents: lags[i]!.events, lagExact: lags[i]!.exact }));
    };
    return db.isTransaction ? read(db) : db.transaction().execute(read);
  }

  /**
   * Replays the whole log into fresh read models built aside (schema read_models_rebuild), then
   * swaps them all in with one transaction under every projection's lock: readers see the old
   * read models until the commit and the new ones after, never a half-built state.
   *
   * 1. Each projection in turn fills its aside tables up to the commit horizon — with its bulk
   *    rebuild if it has one (tables it loads by COPY are created bare and indexed afterwards,
   *    two indexes at a time), else batch by batch — and its aside checkpoint is set there.
   * 2. Under all the locks, events committed meanwhile are folded into the aside tables, each
   *    projection finishes (`beforeSwap`), and the tables and checkpoints are swapped in, each
   *    checkpoint a generation later.
   *
   * A crash before the swap leaves the public read models untouched and an aside schema the next
   * rebuild drops. Needs three connections of the pool at once (its lock, a scan, a transaction).
   */
  async rebuild(options: RebuildOptions = {}): Promise<RebuildProgress> {
    // One rebuild at a time: a second one would drop the aside tables under the first, which could
    // then swap in half-built tables. A session lock on a connection of its own, for the whole run.
    return withRawClient(this.db, async (client) => {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [REBUILD_LOCK]);
      if (!rows[0]!.locked) throw new Error('another rebuild is running; try again when it has finished');
      try {
        return await this.rebuildLocked(options);
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [REBUILD_LOCK]);
      }
    });
  }

  private async rebuildLocked(options: RebuildOptions): Promise<RebuildProgress> {
    const archived = await this.log.archivedDaysOutOfLog(this.db);
    if (archived.length > 0 && options.withoutArchivedDays !== true) {
      throw new InputError(
        `${archived.length} archived day${archived.length === 1 ? ' is' : 's are'} not in the log (${archived[0]}${archived.length > 1 ? ` … ${archived.at(-1)}` : ''}): ` +
          'a rebuild would lose their rollups and outages. Restore them first (cli archive restore), or rebuild without them on purpose (cli rebuild --without-archived-days).',
      );
    }
    const batchSize = options.batchSize ?? 250_000;
    const beforeSwap = new Map<string, (trx: Transaction<DB>) => Promise<void>>();
    await this.db.transaction().execute(async (trx) => {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(ASIDE_SCHEMA)} CASCADE`.execute(trx);
      await sql`CREATE SCHEMA ${sql.id(ASIDE_SCHEMA)}`.execute(trx);
      await sql`CREATE TABLE ${sql.id(ASIDE_SCHEMA, 'projection_checkpoints')} (LIKE public.projection_checkpoints INCLUDING ALL)`.execute(trx);
    });
    // Everything at or before the commit horizon is fixed: each projection folds up to it.
    const end = await this.db.transaction().execute((trx) => this.log.lastVisible(trx));
    const progress: RebuildProgress = { folded: 0, total: end === null ? 0 : Number(end.globalPosition), phase: 'folding' };
    const report = (phase: string, folded = progress.folded) => {
      Object.assign(progress, { phase, folded });
      options.onProgress?.({ ...progress, total: Math.max(progress.total, progress.folded) });
    };

    for (const projection of this.projections) {
      const bulk = end !== null && projection.rebuild !== undefined;
      await this.createAsideTables(projection, bulk);
      if (bulk) {
        const rebuilt = await projection.rebuild!(this.rebuildContext(projection, end, options.stretchBytes ?? DEFAULT_STRETCH_BYTES, report));
        if (rebuilt.beforeSwap !== undefined) beforeSwap.set(projection.name, rebuilt.beforeSwap);
        await this.indexAsideTables(projection.tables.filter(isBulkLoaded), report);
        await this.inAside(async (trx) => {
          const start = await this.checkpoints.get(trx, projection.name);
          if (!(await this.checkpoints.advance(trx, projection.name, start.position, end, rebuilt.events))) {
            throw new Error(`the aside checkpoint of ${projection.name} moved during the rebuild`);
          }
        });
      } else {
        while ((await this.inAside((trx, client) => this.stepLocked(trx, client, projection, batchSize))).status === 'folded');
      }
    }

    report('catching-up');
    await transactionWithClient(this.folding, async (trx, client) => {
      for (const { name } of this.projections) await lockProjection(trx, name);
      await useAsideSchema(trx);
      for (const projection of this.projections) {
        for (;;) {
          const result = await this.stepLocked(trx, client, projection, batchSize);
          if (result.status !== 'folded') break;
          if (projection === this.projections[0]) progress.folded += result.events;
        }
        await beforeSwap.get(projection.name)?.(trx);
      }
      await sql`SET LOCAL search_path TO public`.execute(trx);
      for (const table of this.projections.flatMap((p) => p.tables)) await swapIn(trx, table.name);
      await this.checkpoints.adoptAside(trx, ASIDE_SCHEMA, this.projections.map((p) => p.name));
      await sql`DROP SCHEMA ${sql.id(ASIDE_SCHEMA)} CASCADE`.execute(trx);
    });
    // Fresh tables have no planner statistics until autovacuum gets to them.
    for (const table of this.projections.flatMap((p) => p.tables)) {
      const columns = table.analyze === undefined ? sql`` : sql`(${sql.join(table.analyze.map((c) => sql.id(c)))})`;
      await sql`ANALYZE ${sql.id(table.name)} ${columns}`.execute(this.db);
    }
    const done = { ...progress, total: progress.folded, phase: 'swapped' };
    options.onProgress?.(done);
    return done;
  }

  /** One step inside a transaction that holds the projection's lock (and, in a rebuild, finds the aside tables). */
  private async stepLocked(trx: Transaction<DB>, client: pg.ClientBase, projection: Projection, batchSize: number): Promise<StepResult> {
    const checkpoint = await this.checkpoints.get(trx, projection.name);
    let batch: LogBatch;
    if (projection.follows === undefined) {
      const end = await this.log.nextBatchEnd(trx, checkpoint.position, batchSize);
      if (end === null) return { status: 'idle' };
      batch = { after: checkpoint.position, end, maxEvents: batchSize, events: null, client };
    } else {
      // Everything the projection it follows has folded beyond it, counted by their checkpoints.
      const leader = await this.checkpoints.get(trx, projection.follows);
      if (!isAfter(leader.position, checkpoint.position)) return { status: 'idle' };
      const events = leader.eventsFolded - checkpoint.eventsFolded;
      batch = { after: checkpoint.position, end: leader.position, maxEvents: events, events, client };
    }
    const { end } = batch;
    const events = await projection.fold(trx, batch);
    if (!(await this.checkpoints.advance(trx, projection.name, checkpoint.position, end, events))) {
      throw new Error(`the checkpoint of ${projection.name} moved under this runner; its transaction is rolled back`);
    }
    return { status: 'folded', events };
  }

  private async settle(projection: Projection, now: number, wait: boolean): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (wait) await lockProjection(trx, projection.name);
      else if (!(await tryLockProjection(trx, projection.name))) return;
      await projection.settle!(trx, now);
    });
  }

  private projection(name: string): Projection {
    const projection = this.byName.get(name);
    if (projection === undefined) throw new Error(`no projection is named ${name}`);
    return projection;
  }

  private rebuildContext(projection: Projection, end: LogPosition, stretchBytes: number, report: (phase: string, folded?: number) => void): RebuildContext {
    return {
      db: this.folding,
      end,
      stretchBytes,
      report,
      inAsideTransaction: (work) => this.inAside((trx) => work(trx)),
      intoAsideTables: (work) => withRawClient(this.folding, async (client) => {
        await client.query('BEGIN');
        try {
          await client.query(`SET LOCAL search_path TO ${ASIDE_SCHEMA}, public`);
          // Emptied in this transaction, so that COPY … FREEZE may write the rows frozen (no later
          // pass sets their hint bits).
          for (const table of projection.tables) await client.query(`TRUNCATE ${ASIDE_SCHEMA}.${table.name}`);
          const result = await work(client);
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    };
  }

  private inAside<T>(work: (trx: Transaction<DB>, client: pg.ClientBase) => Promise<T>): Promise<T> {
    return transactionWithClient(this.folding, async (trx, client) => {
      await useAsideSchema(trx);
      return work(trx, client);
    });
  }

  /**
   * Creates the aside twins of a projection's tables, bare. For a bulk rebuild, tables it loads
   * by COPY get their keys and indexes after the load (bulk-loading then indexing beats updating
   * indexes row by row); all others get them now. Autovacuum stays away from them until the
   * swap: it would find millions of new rows and hold a lock the index builds wait for, while
   * finding nothing to do.
   */
  private async createAsideTables(projection: Projection, bulk: boolean): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const { name } of projection.tables) {
        await sql`CREATE TABLE ${sql.id(ASIDE_SCHEMA, name)} (LIKE ${sql.id('public', name)} INCLUDING DEFAULTS) WITH (autovacuum_enabled = false)`.execute(trx);
      }
    });
    await this.indexAsideTables(projection.tables.filter((table) => !(bulk && isBulkLoaded(table))), () => undefined);
  }

  /** Gives aside tables the keys and indexes of their public twins, under the same names; two builds at a time. */
  private async indexAsideTables(tables: readonly ReadModelTable[], report: (phase: string) => void): Promise<void> {
    if (tables.length === 0) return;
    report('indexing');
    const definitions = (await Promise.all(tables.map((t) => indexDefinitions(this.db, t.name)))).flat();
    // Two at a time, each on a connection of its own: a presorted key beside the smaller indexes, so both cores stay busy.
    await inParallel(2, definitions, (definition) => this.folding.transaction().execute(async (trx) => {
      // Room to sort each index in memory rather than in temporary files.
      await sql`SET LOCAL maintenance_work_mem = '512MB'`.execute(trx);
      // Parallel workers would only contend with the other lane (and a presorted key gains nothing).
      await sql`SET LOCAL max_parallel_maintenance_workers = 0`.execute(trx);
      // Each build reads the table from its first page: joining the other lane's scan midway (a
      // synchronized scan) would hand a presorted key's sort its rows rotated — five times the work.
      await sql`SET LOCAL synchronize_seqscans = off`.execute(trx);
      await sql.raw(definition.build).execute(trx);
    }));
    await this.db.transaction().execute(async (trx) => {
      for (const { adopt } of definitions) if (adopt !== undefined) await sql.raw(adopt).execute(trx);
    });
  }
}

/** Takes the projection's lock for the rest of the transaction; false if another runner has it. */
export async function tryLockProjection(trx: Transaction<DB>, name: string): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(hashtext(${'projection:' + name})) AS locked`.execute(trx);
  return rows[0]!.locked;
}

/** Waits for the projection's lock (rebuild swaps, policy changes). */
export async function lockProjection(trx: Transaction<DB>, name: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${'projection:' + name}))`.execute(trx);
}

/** Tables a bulk rebuild fills by COPY, unless marked otherwise. */
const isBulkLoaded = (table: ReadModelTable) => table.bulkLoad !== false;

async function useAsideSchema(trx: Transaction<DB>): Promise<void> {
  // Read models (and checkpoints) resolve to the aside tables; the log and everything else stays in public.
  await sql`SET LOCAL search_path TO ${sql.id(ASIDE_SCHEMA)}, public`.execute(trx);
}

/**
 * The statements that give an aside table the primary key and indexes of its public twin, under
 * the same names, the primary key first. Each index is built with CREATE INDEX, which lets other
 * indexes of the table be built at the same time (ALTER TABLE … ADD PRIMARY KEY would lock the
 * table for its whole build); the key then adopts its index.
 */
async function indexDefinitions(db: Database, table: string): Promise<{ build: string; adopt?: string }[]> {
  const aside = `${ASIDE_SCHEMA}.${table}`;
  const { rows } = await sql<{ name: string; definition: string; primary: boolean }>`
    SELECT i.indexname AS name, i.indexdef AS definition,
           EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.conrelid = ${`public.${table}`}::regclass AND c.contype = 'p') AS primary
    FROM pg_indexes i WHERE i.schemaname = 'public' AND i.tablename = ${table}
    ORDER BY 3 DESC, 1`.execute(db);
  return rows.map((index) => {
    // pg_indexes gives "CREATE [UNIQUE] INDEX name ON public.table USING …": the same, on the aside table.
    const on = ` ON public.${table} `;
    if (index.definition.split(on).length !== 2) throw new Error(`cannot rebuild index ${index.name}: ${index.definition}`);
    return {
      build: index.definition.replace(on, ` ON ${aside} `),
      adopt: index.primary ? `ALTER TABLE ${aside} ADD CONSTRAINT ${quoteIdentifier(index.name)} PRIMARY KEY USING INDEX ${quoteIdentifier(index.name)}` : undefined,
    };
  });
}

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Runs `work` on every item, at most `width` at once; after a failure, starts no more. */
async function inParallel<T>(width: number, items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      await work(items[next++]!).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}

/** Replaces public.<table> with the rebuilt one (its indexes already carry the original names). */
async function swapIn(trx: Transaction<DB>, table: string): Promise<void> {
  await sql`DROP TABLE ${sql.id('public', table)}`.execute(trx);
  await sql`ALTER TABLE ${sql.id(ASIDE_SCHEMA, table)} SET SCHEMA public`.execute(trx);
  await sql`ALTER TABLE ${sql.id('public', table)} RESET (autovacuum_enabled)`.execute(trx);
}
