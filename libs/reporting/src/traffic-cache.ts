import { Injectable } from '@nestjs/common';
import { DAY_MS, MINUTE_MS, Tally } from '@ledger/domain';
import type { LogPosition } from '@ledger/event-store';
import type { ReadModelVersion, RollupDayChange } from '@ledger/projections';
import type { ScopedTraffic } from './contract-traffic.repository';

/** A stretch [start, end) of a contract's period, epoch ms. */
export interface Stretch {
  start: number;
  end: number;
}

/** A stretch's traffic summary. */
export interface SummaryPiece extends Stretch {
  traffic: ScopedTraffic;
}

export interface CacheScope {
  /** Equal keys mean equal summaries over equal rollups (see scopeParams). */
  key: string;
  platform: string;
  provider: string;
  /** The period [from, to), epoch ms. */
  from: number;
  to: number;
  /** The period cut where its summary may be read in pieces (`periodChunks`). */
  chunks: readonly Stretch[];
}

/** A scope's summary as pieces covering its period, all exact at `state`. */
interface Entry {
  scope: CacheScope;
  pieces: SummaryPiece[];
  state: ReadModelVersion;
  weight: number;
}

/** What to do for a scope: the pieces held that are still exact, and the stretches to read again. */
export interface CachePlan {
  kept: SummaryPiece[];
  stale: Stretch[];
}

/**
 * How much the cache holds at most, in tallies (a candidate minute or a window, ~100 bytes
 * each, plus one per piece): about 50 MB. The oldest entries go first.
 */
const MAX_WEIGHT = 500_000;

const weightOf = (pieces: readonly SummaryPiece[]) =>
  pieces.reduce((sum, p) => sum + 1 + p.traffic.traffic.candidateMinutes.size + p.traffic.traffic.windows.size, 0);

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.globalPosition !== b.globalPosition) return a.globalPosition < b.globalPosition ? -1 : 1;
  return 0;
}

/**
 * Where a period's summary may be cut into pieces that add up: at UTC midnights, or, under a
 * policy of windows, at the window boundaries nearest below one day's worth of windows (a window
 * counts only when it has failures, so one cut in two would lose the requests of its quiet half).
 */
export function periodChunks(period: Stretch, windowMinutes: number | null): Stretch[] {
  const chunks: Stretch[] = [];
  const step = windowMinutes === null ? DAY_MS : Math.max(1, Math.floor(1_440 / windowMinutes)) * windowMinutes * MINUTE_MS;
  let start = period.start;
  while (start < period.end) {
    const end = Math.min(period.end, windowMinutes === null ? (Math.floor(start / DAY_MS) + 1) * DAY_MS : start + step);
    chunks.push({ start, end });
    start = end;
  }
  return chunks;
}

/** Whether any of `changes` changed a day of `scope`'s platform and provider that overlaps `stretch`. */
export function changesTouch(changes: readonly RollupDayChange[], scope: CacheScope, stretch: Stretch): boolean {
  return changes.some((c) => c.platform === scope.platform && c.provider === scope.provider && c.day < stretch.end && c.day + DAY_MS > stretch.start);
}

/** The summary of a whole period from its pieces (disjoint stretches covering it). */
export function mergePieces(pieces: readonly SummaryPiece[]): ScopedTraffic {
  if (pieces.length === 1) return pieces[0]!.traffic;
  const candidateMinutes = new Map<number, Tally>();
  const windows = new Map<number, Tally>();
  const eligibleTotal = { eligible: 0, failures: 0 };
  let events = 0;
  for (const { traffic } of [...pieces].sort((a, b) => a.start - b.start)) {
    events += traffic.events;
    eligibleTotal.eligible += traffic.traffic.eligibleTotal.eligible;
    eligibleTotal.failures += traffic.traffic.eligibleTotal.failures;
    for (const [minute, tally] of traffic.traffic.candidateMinutes) candidateMinutes.set(minute, tally);
    for (const [window, tally] of traffic.traffic.windows) windows.set(window, tally);
  }
  return { events, traffic: { eligibleTotal, candidateMinutes, windows } };
}

/**
 * Traffic summaries of contract periods, kept in this process as pieces (days, in the end) and
 * served only while provably current. Why that can be proven: minute_rollups changes only when
 * the timeline projection folds events, in log order, committing the rollups with its checkpoint
 * and, for each platform, provider and UTC day it changed, the batch's end in rollup_day_changes
 * — or when a rebuild swaps in new tables (a new generation). So a piece read at checkpoint P is
 * still exact at checkpoint C, in the same generation, unless a day it overlaps has a change
 * after P for the scope's platform and provider. The caller reads those changes and the current
 * version in one statement, and `plan` keeps the pieces none of them touches and names the
 * stretches to read again — during ingest, the day the traffic is arriving in. Anything
 * uncertain (another generation, a checkpoint that went back) is read whole again.
 */
@Injectable()
export class TrafficCache {
  private readonly entries = new Map<string, Entry>();
  private weight = 0;

  /** The oldest position among the entries held for these scopes, or null when none is held. */
  oldestPosition(scopes: readonly CacheScope[]): LogPosition | null {
    let oldest: LogPosition | null = null;
    for (const scope of scopes) {
      const entry = this.entries.get(scope.key);
      if (entry !== undefined && (oldest === null || comparePositions(entry.state.position, oldest) < 0)) oldest = entry.state.position;
    }
    return oldest;
  }

  /**
   * The plan for `scope` at `now`, given `changes`: every day changed after `since` (the oldest
   * of the entries asked for: oldestPosition) up to `now`. null: nothing usable is held, read
   * the period whole. A piece changed since it was read is read again; one that spans several
   * chunks is read again chunk by chunk, so that the next change costs one chunk.
   */
  plan(scope: CacheScope, since: LogPosition, now: ReadModelVersion, changes: readonly RollupDayChange[]): CachePlan | null {
    const entry = this.entries.get(scope.key);
    if (entry === undefined || entry.state.generation !== now.generation) return null;
    // Read before `since` (replaced meanwhile), or after `now` (a replica behind the primary, or a checkpoint that went back): unknown.
    if (comparePositions(entry.state.position, since) < 0 || comparePositions(entry.state.position, now.position) > 0) return null;
    const changedDays = changes.filter((c) => comparePositions(c.position, entry.state.position) > 0);
    const plan: CachePlan = { kept: [], stale: [] };
    for (const piece of entry.pieces) {
      if (!changesTouch(changedDays, scope, piece)) {
        plan.kept.push(piece);
        continue;
      }
      const inside = scope.chunks.filter((chunk) => chunk.start >= piece.start && chunk.end <= piece.end);
      const covered = inside.reduce((sum, chunk) => sum + (chunk.end - chunk.start), 0) === piece.end - piece.start;
      plan.stale.push(...(covered ? inside : [{ start: piece.start, end: piece.end }]));
    }
    return plan;
  }

  /** Keeps a scope's pieces read at `state`, unless a later reading of the same scope is already held. */
  put(scope: CacheScope, pieces: SummaryPiece[], state: ReadModelVersion): void {
    const held = this.entries.get(scope.key);
    if (held !== undefined && held.state.generation === state.generation && comparePositions(held.state.position, state.position) > 0) return;
    this.remove(scope.key);
    const weight = weightOf(pieces);
    if (weight > MAX_WEIGHT / 10) return; // one huge summary should not flush all the others
    this.entries.set(scope.key, { scope, pieces, state, weight });
    this.weight += weight;
    while (this.weight > MAX_WEIGHT) this.remove(this.entries.keys().next().value!);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.weight -= entry.weight;
  }
}
