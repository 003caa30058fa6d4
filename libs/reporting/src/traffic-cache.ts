import { Injectable } from '@nestjs/common';
import type { LogChange, LogPosition } from '@ledger/event-store';
import type { ReadModelVersion } from '@ledger/projections';
import type { ScopedTraffic } from './contract-traffic.repository';

/** A scope's summary as read at a version of the rollups. */
interface Entry {
  platform: string;
  provider: string;
  from: number;
  to: number;
  traffic: ScopedTraffic;
  state: ReadModelVersion;
}

export interface CacheScope {
  /** Equal keys mean equal summaries over equal rollups (see scopeParams). */
  key: string;
  platform: string;
  provider: string;
  /** The period [from, to), epoch ms. */
  from: number;
  to: number;
}

/**
 * How much the cache holds at most, in tallies (a candidate minute or a window, ~100 bytes
 * each, plus one per entry): about 50 MB. The oldest entries go first.
 */
const MAX_WEIGHT = 500_000;

const weightOf = (t: ScopedTraffic) => 1 + t.traffic.candidateMinutes.size + t.traffic.windows.size;

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.globalPosition !== b.globalPosition) return a.globalPosition < b.globalPosition ? -1 : 1;
  return 0;
}

/**
 * Traffic summaries of contract periods, kept in this process and served only while provably
 * current. Why that can be proven: minute_rollups changes only when the timeline projection
 * folds events, in log order, committing the rollups with its checkpoint — or when a rebuild
 * swaps in new tables (a new generation). So a summary read at checkpoint P is still exact at
 * checkpoint C, in the same generation, unless an event folded in (P, C] has the summary's
 * platform, provider and an occurredAt inside its period. The caller reads the events folded
 * since the oldest entry it wants (`oldestPosition`) together with the current version, and
 * `take` keeps only the entries none of them touches; anything uncertain (another generation, a
 * checkpoint that went back, too many events to list) is a miss and is read again.
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
   * The summaries still exact at `now`, given `changes`: every event folded after `since` up to
   * `now` (null: unknown). The entries taken are marked current at `now`.
   */
  take(scopes: readonly CacheScope[], since: LogPosition, now: ReadModelVersion, changes: readonly LogChange[] | null): (ScopedTraffic | undefined)[] {
    return scopes.map((scope) => {
      const entry = this.entries.get(scope.key);
      if (entry === undefined || changes === null || entry.state.generation !== now.generation) return undefined;
      // Read before `since` (replaced meanwhile), or after `now` (the checkpoint went back): unknown.
      if (comparePositions(entry.state.position, since) < 0 || comparePositions(entry.state.position, now.position) > 0) return undefined;
      const touched = changes.some((c) => c.platform === entry.platform && c.provider === entry.provider && c.first < entry.to && c.last >= entry.from);
      if (touched) return undefined;
      entry.state = now;
      return entry.traffic;
    });
  }

  /** Keeps a summary read at `state`, unless a later reading of the same scope is already held. */
  put(scope: CacheScope, traffic: ScopedTraffic, state: ReadModelVersion): void {
    const held = this.entries.get(scope.key);
    if (held !== undefined && held.state.generation === state.generation && comparePositions(held.state.position, state.position) > 0) return;
    this.remove(scope.key);
    if (weightOf(traffic) > MAX_WEIGHT / 10) return; // one huge summary should not flush all the others
    this.entries.set(scope.key, { platform: scope.platform, provider: scope.provider, from: scope.from, to: scope.to, traffic, state });
    this.weight += weightOf(traffic);
    while (this.weight > MAX_WEIGHT) this.remove(this.entries.keys().next().value!);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.weight -= weightOf(entry.traffic);
  }
}
