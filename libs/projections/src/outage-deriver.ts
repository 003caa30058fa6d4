import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { classifier, deriveOutages } from '@ledger/domain';
import type { DB } from '@ledger/database';
import type { DetectionPolicies } from './detection-policy.repository';
import { MinuteRollupRepository, SeriesKey } from './minute-rollup.repository';
import { OutageRepository } from './outage.repository';

/** A minute after any a series can have (2100-01-01T00:00Z), for "everything" windows. */
const END_OF_TIME = 4_102_444_800_000 / 60_000;

/**
 * Keeps a series' stored outages equal to deriving them from its rollups from scratch, after
 * some of its minutes changed: only a window around the changed minutes is derived again.
 *
 * Why the window is enough: it covers every stored outage within `gap + 1` minutes of a changed
 * minute, plus `gap + 1` quiet minutes on each side. A bad minute outside it would have been
 * merged into one of those outages already, and no changed minute is within the merge gap of
 * the window's edge, so no outage derived inside can merge with anything outside.
 */
@Injectable()
export class OutageDeriver {
  constructor(
    private readonly rollups: MinuteRollupRepository,
    private readonly outages: OutageRepository,
  ) {}

  async rederive(db: Kysely<DB>, series: SeriesKey, changedMinutes: readonly number[], policies: DetectionPolicies): Promise<void> {
    const policy = policies.forModel(series.provider, series.model);
    const margin = policy.mergeGapMinutes + 1;
    for (const [from, to] of await this.windows(db, series, changedMinutes, margin)) {
      const minutes = await this.rollups.seriesMinutes(db, series, from, to);
      await this.outages.replace(db, series, from, to, deriveOutages(minutes, classifier(policy)));
    }
  }

  /** Derives every outage of a series from scratch (rebuilds, policy changes). */
  async rederiveAll(db: Kysely<DB>, series: SeriesKey, policies: DetectionPolicies): Promise<void> {
    const policy = policies.forModel(series.provider, series.model);
    const minutes = await this.rollups.seriesMinutes(db, series, 0, END_OF_TIME);
    await this.outages.replace(db, series, 0, END_OF_TIME, deriveOutages(minutes, classifier(policy)));
  }

  private async windows(db: Kysely<DB>, series: SeriesKey, changed: readonly number[], margin: number): Promise<[number, number][]> {
    const sorted = [...new Set(changed)].sort((a, b) => a - b);
    // Changed minutes close together share a window; far apart ones get their own.
    const clusters: [number, number][] = [];
    for (const m of sorted) {
      const last = clusters.at(-1);
      if (last && m - last[1] <= 2 * margin) last[1] = m;
      else clusters.push([m, m]);
    }
    const windows: [number, number][] = [];
    for (const [first, last] of clusters) {
      let from = first - margin;
      let to = last + 1 + margin;
      for (const o of await this.outages.overlapping(db, series, from, to)) {
        from = Math.min(from, o.start - margin);
        to = Math.max(to, o.end + margin);
      }
      const previous = windows.at(-1);
      if (previous && from <= previous[1]) previous[1] = Math.max(previous[1], to);
      else windows.push([from, to]);
    }
    return windows;
  }
}
