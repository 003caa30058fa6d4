import type { Transaction } from 'kysely';
import type pg from 'pg';
import type { Database, DB } from '@ledger/database';
import type { LogPosition } from '@ledger/event-store';

/** A read-model table a projection alone writes. */
export interface ReadModelTable {
  name: keyof DB & string;
  /** Columns whose statistics the planner needs after a rebuild (all of them when omitted). */
  analyze?: readonly string[];
  /**
   * false when the projection's bulk rebuild writes it with ON CONFLICT, which needs its key from
   * the start; by default a bulk rebuild fills it by COPY and its indexes are built afterwards.
   */
  bulkLoad?: boolean;
}

/** Events of the log a fold covers: those after `after` up to `end` inclusive, in commit order. */
export interface LogBatch {
  after: LogPosition;
  end: LogPosition;
  /** At most this many events lie in the batch. */
  maxEvents: number;
  /**
   * How many events lie in the batch, when the runner knows without reading the log: a
   * follower's batch (everything the projection it follows has folded beyond it); else null.
   */
  events: number | null;
  /** The raw connection the fold's transaction runs on, for COPY (what Kysely cannot say). */
  client: pg.ClientBase;
}

/** What a projection's bulk rebuild is given: empty aside tables of its own to fill, up to `end`. */
export interface RebuildContext {
  db: Database;
  /** The last event to fold (the commit horizon when the rebuild began). */
  end: LogPosition;
  /**
   * Fold the log in stretches of consecutive days whose partitions take about this many bytes
   * (a day more than it alone): what a rebuild holds in memory follows the stretch, not the log.
   */
  stretchBytes: number;
  /**
   * Runs `work` in a transaction on a raw connection (for COPY) whose search_path finds the aside
   * tables first; the projection's tables were just truncated in it, so COPY … FREEZE may fill them.
   */
  intoAsideTables<T>(work: (client: pg.ClientBase) => Promise<T>): Promise<T>;
  /** Runs `work` in a transaction whose search_path finds the aside tables first. */
  inAsideTransaction<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  /** Reports progress of the phase the projection is in. */
  report(phase: string, folded?: number): void;
}

/** What a bulk rebuild leaves to do under the projection's lock, just before the swap. */
export interface RebuiltReadModels {
  /** Events folded into the aside tables (the checkpoint's count). */
  events: number;
  /** Last corrections, in the aside transaction of the swap (e.g. what changed while folding). */
  beforeSwap?(trx: Transaction<DB>): Promise<void>;
}

/**
 * A read model kept from the outcome log. The projection runner calls `fold` with each batch of
 * the log, in commit order, inside a transaction that holds the projection's lock and advances
 * its checkpoint — so a projection only says how events change its tables. Register a projection
 * in the worker module's list (libs/runtime/src/projections.ts).
 */
export interface Projection {
  /** Its checkpoint's name, unique. */
  readonly name: string;
  /** The tables it owns: rebuilt aside and swapped in together. */
  readonly tables: readonly ReadModelTable[];
  /**
   * The projection whose read models this one reads (it must be registered before): each batch is
   * what that one has folded beyond this one's checkpoint, up to that one's checkpoint, so this
   * one never folds events the other has not.
   */
  readonly follows?: string;
  /** Applies the events of `batch` to its tables; returns how many events it folded. */
  fold(trx: Transaction<DB>, batch: LogBatch): Promise<number>;
  /** Work due to time passing rather than to events; the runner calls it when the projection is idle. */
  settle?(trx: Transaction<DB>, now: number): Promise<void>;
  /**
   * Fills its (empty) aside tables with the state at `context.end`, faster than folding batch by
   * batch; without it, the runner folds batch by batch into the aside tables.
   */
  rebuild?(context: RebuildContext): Promise<RebuiltReadModels>;
}
