import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import {
  addCounts, byStartEndModel, classifier, eligibleOf, failuresOf, Incident, isBad, isOngoing, LatencySketch, MAX_MERGE_GAP_MINUTES, MINUTE_MS, minuteOf,
  MinuteStatus, NO_OUTCOMES, OutcomeCounts, ProviderSpan,
} from '@ledger/domain';
import { eligibleSql, failuresSql } from '@ledger/codec';
import { Database, InjectReadDatabase } from '@ledger/database';
import { DetectionPolicyRepository } from './detection-policy.repository';
import { IncidentRepository } from './incident.repository';
import { MinuteRollupRepository } from './minute-rollup.repository';
import { OutageRepository, SeriesOutage } from './outage.repository';
import { ProjectionRunner } from './projection-runner';

export interface OutageView extends SeriesOutage {
  ongoing: boolean;
}

export interface IncidentSummaryView extends Incident {
  provider: string;
  ongoing: boolean;
}

export interface IncidentView extends IncidentSummaryView {
  modelOutages: OutageView[];
}

export interface MinuteStatView {
  minute: number;
  status: MinuteStatus;
  counts: OutcomeCounts;
  p95LatencyMs: number | null;
}

export interface ModelStatusView {
  provider: string;
  model: string;
  status: MinuteStatus;
  since: number;
  errorRate: number | null;
  eligibleRequests: number;
}

export interface ProjectionStateView {
  name: string;
  position: string;
  eventsFolded: number;
  lagEvents: number;
  lagExact: boolean;
  caughtUp: boolean;
  generation: number;
  updatedAt: Date;
}

/** How far back `since` of a live status is traced (minutes): beyond it, `since` says "at least this long". */
const SINCE_LOOKBACK_MINUTES = 120;

/** Read-side queries over the timeline read models (rollups, outages, incidents, checkpoints). */
@Injectable()
export class TimelineQueries {
  constructor(
    @InjectReadDatabase() private readonly db: Database,
    private readonly rollups: MinuteRollupRepository,
    private readonly outages: OutageRepository,
    private readonly incidents: IncidentRepository,
    private readonly policies: DetectionPolicyRepository,
    private readonly runner: ProjectionRunner,
  ) {}

  async outagesIn(filter: { from: Date; to: Date; provider?: string; model?: string; platform?: string }, now = Date.now()): Promise<OutageView[]> {
    const [rows, policies] = await Promise.all([this.outages.search(this.db, filter), this.policies.load(this.db)]);
    // Marked in place: an answer can hold thousands of outages, and copying each is measurable.
    const views = rows as OutageView[];
    for (const o of views) o.ongoing = isOngoing(o, policies.forModel(o.provider, o.model).mergeGapMinutes, now);
    return views;
  }

  /**
   * Incidents overlapping [from, to), whole, read from the incidents the timeline projection
   * keeps, with their member outages (one statement over each provider's incidents' span).
   * Whether an incident is ongoing depends on now: it is while one of its outages is.
   */
  incidentsIn(filter: { from: Date; to: Date; provider?: string }, now = Date.now()): Promise<IncidentView[]> {
    return this.readIncidents(filter, now, true);
  }

  /**
   * The incidents of `incidentsIn` without their member outages, for answers that do not show
   * them: only the incidents recent enough to be ongoing have their outages read, to tell.
   */
  incidentSummariesIn(filter: { from: Date; to: Date; provider?: string }, now = Date.now()): Promise<IncidentSummaryView[]> {
    return this.readIncidents(filter, now, false);
  }

  private async readIncidents(filter: { from: Date; to: Date; provider?: string }, now: number, withMembers: true): Promise<IncidentView[]>;
  private async readIncidents(filter: { from: Date; to: Date; provider?: string }, now: number, withMembers: false): Promise<IncidentSummaryView[]>;
  private async readIncidents(filter: { from: Date; to: Date; provider?: string }, now: number, withMembers: boolean): Promise<IncidentSummaryView[]> {
    // One snapshot: a batch committed between the statements could regroup the incidents under them.
    return this.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
      const policies = await this.policies.load(trx);
      const stored = await this.incidents.overlapping(trx, filter);
      // An outage is ongoing only within its model's merge gap (at most MAX_MERGE_GAP_MINUTES) of
      // now, so an incident ending earlier is not: without members, only later ones are read.
      const recentEnd = minuteOf(now) - MAX_MERGE_GAP_MINUTES;
      const readsMembers = (i: Incident) => withMembers || i.end > recentEnd;
      const spans = new Map<string, ProviderSpan>();
      for (const i of stored.filter(readsMembers)) {
        const span = spans.get(i.provider);
        if (span === undefined) spans.set(i.provider, { provider: i.provider, from: i.start, to: i.end });
        else span.to = Math.max(span.to, i.end);
      }
      const members = await this.outages.modelOutagesWithin(trx, [...spans.values()]);
      const membersOf = new Map([...spans.keys()].map((provider, k) => [provider, members[k]!]));
      const next = new Map<string, number>();
      const incidents: (IncidentSummaryView | IncidentView)[] = stored.map((incident) => {
        if (!readsMembers(incident)) return { ...incident, ongoing: false };
        const list = membersOf.get(incident.provider)!;
        // A provider's incidents and outages both in start order: each outage lies within the incident that holds it.
        let k = next.get(incident.provider) ?? 0;
        while (k < list.length && list[k]!.start < incident.start) k++;
        const modelOutages: OutageView[] = [];
        for (; k < list.length && list[k]!.start < incident.end; k++) {
          const o = list[k]! as OutageView;
          o.ongoing = isOngoing(o, policies.forModel(o.provider, o.model).mergeGapMinutes, now);
          modelOutages.push(o);
        }
        next.set(incident.provider, k);
        const ongoing = modelOutages.some((m) => m.ongoing);
        return withMembers ? { ...incident, ongoing, modelOutages: modelOutages.sort(byStartEndModel) } : { ...incident, ongoing };
      });
      return incidents.sort((a, b) => a.start - b.start || a.provider.localeCompare(b.provider));
    });
  }

  /** Minutes with events of a series (summed over platforms unless one is named), with their status. */
  async minuteSeries(filter: { from: Date; to: Date; provider: string; model?: string; platform?: string }): Promise<MinuteStatView[]> {
    const [rows, policies] = await Promise.all([this.rollups.range(this.db, filter), this.policies.load(this.db)]);
    const byMinute = new Map<number, { counts: OutcomeCounts; latency: LatencySketch; models: Set<string> }>();
    for (const r of rows) {
      let entry = byMinute.get(r.minute);
      if (entry === undefined) byMinute.set(r.minute, (entry = { counts: NO_OUTCOMES, latency: new LatencySketch(), models: new Set() }));
      entry.counts = addCounts(entry.counts, r.counts);
      entry.latency.merge(r.latency);
      entry.models.add(r.model);
    }
    const classify = classifier(filter.model ? policies.forModel(filter.provider, filter.model) : policies.forProvider(filter.provider));
    return [...byMinute.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([minute, e]) => ({
        minute,
        status: classify.status(failuresOf(e.counts), eligibleOf(e.counts)),
        counts: e.counts,
        p95LatencyMs: e.latency.quantile(0.95),
      }));
  }

  /**
   * Live status of each model over all platforms: the detection rules applied to the current
   * minute so far and the `liveWindowMinutes − 1` minutes before it, taken as one bucket.
   */
  async providerStatus(filter: { provider?: string; model?: string }, now = Date.now()): Promise<ModelStatusView[]> {
    const policies = await this.policies.load(this.db);
    const current = minuteOf(now);
    const lookbackStart = new Date((current - SINCE_LOOKBACK_MINUTES) * MINUTE_MS);
    const { rows } = await sql<{ provider: string; model: string; m: number; failures: number; eligible: number }>`
      SELECT provider, model, (extract(epoch FROM minute) / 60)::int AS m,
             sum(${failuresSql(null)})::float8 AS failures, sum(${eligibleSql(null)})::float8 AS eligible
      FROM minute_rollups
      WHERE minute >= ${lookbackStart} AND minute <= ${new Date(current * MINUTE_MS)}
        ${filter.provider !== undefined ? sql`AND provider = ${filter.provider}` : sql``}
        ${filter.model !== undefined ? sql`AND model = ${filter.model}` : sql``}
      GROUP BY provider, model, minute`.execute(this.db);
    const byModel = new Map<string, { provider: string; model: string; minutes: Map<number, { failures: number; eligible: number }> }>();
    for (const r of rows) {
      const key = `${r.provider}\u0000${r.model}`;
      let entry = byModel.get(key);
      if (entry === undefined) byModel.set(key, (entry = { provider: r.provider, model: r.model, minutes: new Map() }));
      entry.minutes.set(r.m, { failures: r.failures, eligible: r.eligible });
    }
    // The models' recent outages (over all platforms): a model in an outage has been so since the outage began.
    const recent = await this.outages.search(this.db, { from: lookbackStart, to: new Date((current + 1) * MINUTE_MS), ...filter });
    const latestOutage = new Map<string, SeriesOutage>();
    for (const o of recent) latestOutage.set(`${o.provider}\u0000${o.model}`, o); // in start order: the last is the latest
    const statuses: ModelStatusView[] = [];
    for (const [key, { provider, model, minutes }] of byModel) {
      const policy = policies.forModel(provider, model);
      const classify = classifier(policy);
      let failures = 0;
      let eligible = 0;
      for (let m = current - policy.liveWindowMinutes + 1; m <= current; m++) {
        failures += minutes.get(m)?.failures ?? 0;
        eligible += minutes.get(m)?.eligible ?? 0;
      }
      const status = classify.status(failures, eligible);
      const minuteStatus = (m: number) => classify.status(minutes.get(m)?.failures ?? 0, minutes.get(m)?.eligible ?? 0);
      let since = current;
      while (since - 1 > current - SINCE_LOOKBACK_MINUTES && minuteStatus(since - 1) === status) since--;
      // Where an outage explains the status, its edges say since when: the start of the outage the
      // model is in (its minutes may vary in severity), or the end of the one it recovered from.
      const outage = latestOutage.get(key);
      const inOutage = outage !== undefined && outage.end >= current - policy.liveWindowMinutes + 1 - policy.mergeGapMinutes;
      if (inOutage && isBad(status)) since = outage.start;
      else if (outage !== undefined && status === 'operational') since = Math.max(outage.end, since);
      statuses.push({ provider, model, status, since, errorRate: eligible === 0 ? null : failures / eligible, eligibleRequests: eligible });
    }
    return statuses.sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
  }

  /** Every projection's checkpoint and lag as the read database has them: with a replica, the position every other answer reflects. */
  async projections(): Promise<ProjectionStateView[]> {
    return (await this.runner.states(this.db)).map((p) => ({
      name: p.name,
      position: `${p.position.transactionId}:${p.position.globalPosition}`,
      eventsFolded: p.eventsFolded,
      lagEvents: p.lagEvents,
      lagExact: p.lagExact,
      caughtUp: p.lagEvents === 0,
      generation: Number(p.generation),
      updatedAt: p.updatedAt,
    }));
  }

}
