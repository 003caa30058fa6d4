import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { classifier, deriveOutages } from '@ledger/domain';
import type { DB } from '@ledger/database';
import type { DetectionPolicies } from './detection-policy.repository';
import { MinuteRollupRepository, SeriesKey } from './minute-rollup.repository';
import { OutageRepository, SeriesOutage } from './outage.repository';
import type { SeriesWindow } from './series-window';

/** A minute after any a series can have (2100-01-01T00:00Z), for "everything" windows. */
const END_OF_TIME = 4_102_444_800_000 / 60_000;

/** Minutes of a series that a batch changed. */
export interface ChangedSeries {
  series: SeriesKey;
  minutes: readonly number[];
}

/**
 * Keeps the stored outages equal to deriving them from the rollups from scratch, after some
 * minutes of some series changed: only windows around the changed minutes are derived again.
 *
 * Why a window is enough: it covers every stored outage within `gap + 1` minutes of a changed
 * minute, plus `gap + 1` quiet minutes on each side. A bad minute outside it would have been
 * merged into one of those outages already, and no changed minute is within the merge gap of
 * the window's edge, so no outage derived inside can merge with anything outside.
 *
 * All series of a batch go together — their stored outages read in one statement, their minutes
 * in another, their outages replaced in a third — so a batch costs a few round trips however
 * many series it touches.
 */
@Injectable()
export class OutageDeriver {
  constructor(
    private readonly rollups: MinuteRollupRepository,
    private readonly outages: OutageRepository,
  ) {}

  async rederive(db: Kysely<DB>, changed: readonly ChangedSeries[], policies: DetectionPolicies): Promise<void> {
    const margins = changed.map(({ series }) => policies.forModel(series.provider, series.model).mergeGapMinutes + 1);
    const clusters = changed.flatMap(({ series, minutes }, i) => clustersOf(minutes, margins[i]!).map(([first, last]) => ({
      series, margin: margins[i]!, from: first - margins[i]!, to: last + 1 + margins[i]!,
    })));
    // Each cluster's window grows to cover the stored outages it overlaps, with a margin of quiet minutes.
    const overlapping = await this.outages.overlappingWindows(db, clusters);
    const windows: SeriesWindow[] = [];
    clusters.forEach((cluster, i) => {
      let { from, to } = cluster;
      for (const o of overlapping[i]!) {
        from = Math.min(from, o.start - cluster.margin);
        to = Math.max(to, o.end + cluster.margin);
      }
      // Clusters of one series come in minute order: windows that now overlap become one.
      const previous = windows.at(-1);
      if (previous?.series === cluster.series && from <= previous.to) previous.to = Math.max(previous.to, to);
      else windows.push({ series: cluster.series, from, to });
    });
    await this.deriveIn(db, windows, policies);
  }

  /** Derives every outage of these series from scratch (rebuilds, policy changes); a series at a time, to hold one in memory. */
  async rederiveAll(db: Kysely<DB>, series: readonly SeriesKey[], policies: DetectionPolicies): Promise<void> {
    for (const s of series) await this.deriveIn(db, [{ series: s, from: 0, to: END_OF_TIME }], policies);
  }

  private async deriveIn(db: Kysely<DB>, windows: readonly SeriesWindow[], policies: DetectionPolicies): Promise<void> {
    const minutes = await this.rollups.windowMinutes(db, windows);
    const derived: SeriesOutage[] = windows.flatMap(({ series }, i) => {
      const policy = policies.forModel(series.provider, series.model);
      return deriveOutages(minutes[i]!, classifier(policy)).map((o) => ({ ...o, ...series }));
    });
    await this.outages.replaceInWindows(db, windows, derived);
  }
}

/** Changed minutes as clusters [first, last]: minutes within two margins of each other share one. */
function clustersOf(changed: readonly number[], margin: number): [number, number][] {
  const sorted = [...new Set(changed)].sort((a, b) => a - b);
  const clusters: [number, number][] = [];
  for (const m of sorted) {
    const last = clusters.at(-1);
    if (last && m - last[1] <= 2 * margin) last[1] = m;
    else clusters.push([m, m]);
  }
  return clusters;
}
