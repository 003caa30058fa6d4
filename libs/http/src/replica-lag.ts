import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { Database, InjectDatabase, InjectReadDatabase, readsFromReplica } from '@ledger/database';

/** How far the read replica (DATABASE_READ_URL) is behind the primary (operations.md § Read replica). */
export interface ReplicaLagView {
  /** The replica is replaying the primary's WAL (false: promoted, or not a streaming replica at all). */
  inRecovery: boolean;
  /**
   * WAL the primary has written that the replica has not replayed yet, in bytes (0: it has
   * replayed everything the primary had written when asked). Null when not in recovery.
   */
  lagBytes: number | null;
  /**
   * 0 when `lagBytes` is 0; otherwise how long ago the last transaction the replica replayed
   * committed on the primary (the replica's clock against the primary's commit timestamp).
   * Null when not in recovery or when the replica has replayed no transaction since it started.
   */
  lagSeconds: number | null;
  /** Replay was paused (`pg_wal_replay_pause()`); null when not in recovery. */
  replayPaused: boolean | null;
}

/** Measures the read replica's lag, for `/readyz` and the `ledger_replica_*` metrics. */
@Injectable()
export class ReplicaLag {
  constructor(
    @InjectDatabase() private readonly primary: Database,
    @InjectReadDatabase() private readonly read: Database,
  ) {}

  /** Whether reads go to a replica at all (DATABASE_READ_URL set, in a process that serves the API). */
  get configured(): boolean {
    return readsFromReplica(this.primary, this.read);
  }

  /** The read database, for callers that check it further (migrations replayed). */
  get database(): Database {
    return this.read;
  }

  /**
   * The replica's lag now. The primary's WAL position is read first, so a replica replaying
   * meanwhile can only look less behind than it is by what was written in between, never more.
   * Throws when either database cannot be reached.
   */
  async measure(): Promise<ReplicaLagView> {
    const { rows: primaryRows } = await sql<{ lsn: string }>`SELECT pg_current_wal_lsn()::text AS lsn`.execute(this.primary);
    const primaryLsn = primaryRows[0]!.lsn;
    // pg_is_wal_replay_paused() raises outside recovery: CASE evaluates it only in recovery.
    const { rows } = await sql<{ in_recovery: boolean; lag_bytes: string | null; replay_age: number | null; paused: boolean | null }>`
      SELECT pg_is_in_recovery() AS in_recovery,
             greatest(pg_wal_lsn_diff(${primaryLsn}::pg_lsn, pg_last_wal_replay_lsn()), 0)::int8::text AS lag_bytes,
             greatest(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)::float8 AS replay_age,
             CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS paused`.execute(this.read);
    const row = rows[0]!;
    if (!row.in_recovery) return { inRecovery: false, lagBytes: null, lagSeconds: null, replayPaused: null };
    const lagBytes = row.lag_bytes === null ? null : Number(row.lag_bytes);
    // An idle primary writes no WAL, so the last replayed commit grows old while the replica
    // is fully caught up: no bytes behind means no lag, however old that commit is.
    const lagSeconds = lagBytes === 0 ? 0 : row.replay_age === null ? null : Math.round(row.replay_age * 1000) / 1000;
    return { inRecovery: true, lagBytes, lagSeconds, replayPaused: row.paused };
  }
}
