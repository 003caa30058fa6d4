import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { classifier, deriveOutages, groupIncidents, joinSpans, ProviderSpan } from '@ledger/domain';
import type { DB } from '@ledger/database';
import type { DetectionPolicies } from './detection-policy.repository';
import { IncidentRepository, ProviderIncident } from './incident.repository';
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
 *
 * The incidents follow in the same transaction: wherever the outages of a model's all-platform
 * series were derived again, its provider's incidents are grouped again (`regroupIncidents`).
 */
@Injectable()
export class OutageDeriver {
  constructor(
    private readonly rollups: MinuteRollupRepository,
    private readonly outages: OutageRepository,
    private readonly incidents: IncidentRepository,
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
    const derived = await this.deriveIn(db, windows, policies);
    // A model series' window where nothing was stored nor is derived changes no incident: left out
    // unless a stored incident is near it (regroupIncidents finds out).
    await this.regroupIncidents(db, windows.flatMap((w, i) => (w.series.platform === null ? [{ ...spanOf(w), derived: derived[i]!.length }] : [])), policies);
  }

  /**
   * Derives every outage of these series from scratch (rebuilds, policy changes); a series at a
   * time, to hold one in memory. Then every incident of their providers, grouped anew (the
   * provider's merge gap may be what changed).
   */
  async rederiveAll(db: Kysely<DB>, series: readonly SeriesKey[], policies: DetectionPolicies): Promise<void> {
    for (const s of series) await this.deriveIn(db, [{ series: s, from: 0, to: END_OF_TIME }], policies);
    const providers = [...new Set(series.map((s) => s.provider))];
    await this.regroupIncidents(db, providers.map((provider) => ({ provider, from: 0, to: END_OF_TIME, derived: 1 })), policies);
  }

  /** Derives the outages of each window and replaces the stored ones with them; returns each window's. */
  private async deriveIn(db: Kysely<DB>, windows: readonly SeriesWindow[], policies: DetectionPolicies): Promise<SeriesOutage[][]> {
    const minutes = await this.rollups.windowMinutes(db, windows);
    const derived: SeriesOutage[][] = windows.map(({ series }, i) => {
      const policy = policies.forModel(series.provider, series.model);
      return deriveOutages(minutes[i]!, classifier(policy)).map((o) => ({ ...o, ...series }));
    });
    await this.outages.replaceInWindows(db, windows, derived.flat());
    return derived;
  }

  /**
   * Groups a provider's incidents again after the all-platform outages in some of its spans were
   * derived again (`derived`: how many the span now holds), so that the stored incidents equal
   * grouping all its stored outages (`groupIncidents`) from scratch.
   *
   * An outage within the merge gap of an incident joins it, and the incident may chain on to
   * others: each changed span is widened to the stored incidents touching it or lying within the
   * gap of it, and spans that then overlap or lie within the gap of each other become one. No
   * outage outside the widened spans can chain with one inside: it belongs to a stored incident
   * more than the gap away from every changed span and from the incidents touching them (stored
   * incidents lie more than the gap apart), and nothing outside the changed spans changed. So the
   * outages within each widened span, grouped, replace exactly the incidents starting in it.
   *
   * Four statements for a whole batch, and one when it changed no outage near an incident.
   */
  private async regroupIncidents(db: Kysely<DB>, changed: readonly (ProviderSpan & { derived: number })[], policies: DetectionPolicies): Promise<void> {
    if (changed.length === 0) return;
    const gapOf = (provider: string) => policies.forProvider(provider).mergeGapMinutes;
    const touched = await this.incidents.touching(db, changed.map((s) => ({ provider: s.provider, from: s.from - gapOf(s.provider), to: s.to + gapOf(s.provider) })));
    const widened: ProviderSpan[] = [];
    changed.forEach((span, i) => {
      const near = touched[i]!;
      // Nothing was stored here (a stored outage would belong to a touching incident) and nothing is now.
      if (near.length === 0 && span.derived === 0) return;
      const hull = { provider: span.provider, from: span.from, to: span.to };
      for (const n of near) {
        hull.from = Math.min(hull.from, n.start);
        hull.to = Math.max(hull.to, n.end);
      }
      widened.push(hull);
    });
    const spans = joinSpans(widened, gapOf);
    if (spans.length === 0) return;
    const outages = await this.outages.modelOutagesWithin(db, spans);
    const regrouped: ProviderIncident[] = spans.flatMap(({ provider }, i) =>
      groupIncidents(outages[i]!, gapOf(provider)).map(({ members: _members, ...incident }) => ({ ...incident, provider })),
    );
    await this.incidents.replaceInSpans(db, spans, regrouped);
  }
}

const spanOf = (w: SeriesWindow): ProviderSpan => ({ provider: w.series.provider, from: w.from, to: w.to });

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
