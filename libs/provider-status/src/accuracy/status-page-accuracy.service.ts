import { Injectable } from '@nestjs/common';
import {
  checkWindow, coveredModels, ComponentMapping, IncidentSpan, incidentMinutes, InputError, isBad, MINUTE_MS, MINUTE_STATUSES, MinuteStatus, StatusPageAccuracy, statusPageAccuracy,
} from '@ledger/domain';
import { Database, InjectReadDatabase } from '@ledger/database';
import { MinuteRollupRepository, TimelineQueries } from '@ledger/projections';
import { StatusComponentRepository } from '../components/status-component.repository';
import { ProviderIncidentRepository, StoredIncident } from '../incidents/provider-incident.repository';

/** The longest window these reports cover, as for the other window queries (outages, incidents, the vendor comparison). */
const MAX_WINDOW_DAYS = 400;

/** A stored incident with the models its components cover. */
export interface IncidentWithModels extends StoredIncident {
  models: string[];
}

export interface ProviderAccuracy extends StatusPageAccuracy {
  provider: string;
  /** The least severe outage counted. */
  minSeverity: MinuteStatus;
  /** The incidents considered (created in the window), with their covered models. */
  incidents: IncidentWithModels[];
}

/**
 * A provider's status page held against measurement (concepts §12): its incidents, their
 * covered models, and the accuracy figures, from the incident versions, the component mapping
 * and the timeline's outages and minute statuses. Computed per request: a month holds tens of
 * incidents, and a replay of the timeline changes the answer exactly as it changes the outages.
 */
@Injectable()
export class StatusPageAccuracyService {
  constructor(
    @InjectReadDatabase() private readonly db: Database,
    private readonly incidents: ProviderIncidentRepository,
    private readonly components: StatusComponentRepository,
    private readonly timeline: TimelineQueries,
    private readonly rollups: MinuteRollupRepository,
  ) {}

  /** Incidents created in [from, to) (the latest version of each), with the models they cover. */
  async incidentsIn(filter: { from: Date; to: Date; provider?: string | undefined }): Promise<IncidentWithModels[]> {
    checkWindow(filter.from, filter.to, MAX_WINDOW_DAYS);
    const incidents = await this.incidents.createdIn(this.db, filter);
    const coverage = new Map<string, { mapping: ComponentMapping[]; models: string[] }>();
    for (const provider of new Set(incidents.map((i) => i.provider))) {
      const [mapping, models] = await Promise.all([
        this.components.forProvider(this.db, provider),
        this.rollups.modelsIn(this.db, provider, filter.from, filter.to),
      ]);
      coverage.set(provider, { mapping, models });
    }
    return incidents.map((i) => {
      const { mapping, models } = coverage.get(i.provider)!;
      return { ...i, models: coveredModels(i.components, mapping, models) };
    });
  }

  /**
   * The figures over [from, to). `minSeverity` leaves out lesser outages (default degraded:
   * every outage, as concepts §12 defines them); the status page counts partial and worse, as
   * it lists them.
   */
  async accuracy(filter: { from: Date; to: Date; provider: string; minSeverity?: MinuteStatus | undefined }, now = Date.now()): Promise<ProviderAccuracy> {
    const minSeverity = filter.minSeverity ?? 'degraded';
    if (!isBad(minSeverity)) throw new InputError('minSeverity must be DEGRADED, PARTIAL_OUTAGE or MAJOR_OUTAGE');
    const counted = (severity: string) => MINUTE_STATUSES.indexOf(severity as MinuteStatus) >= MINUTE_STATUSES.indexOf(minSeverity);
    const [incidents, outages] = await Promise.all([
      this.incidentsIn(filter),
      this.timeline.outagesIn({ from: filter.from, to: filter.to, provider: filter.provider }, now),
    ]);
    const spans: IncidentSpan[] = incidents.map((i) => ({ incidentId: i.incidentId, impact: i.impact, createdAt: i.createdAt, resolvedAt: i.resolvedAt, models: i.models }));
    const statuses = await this.statusesDuring(filter.provider, spans.filter((s) => s.impact !== 'none'), filter.to.getTime());
    const figures = statusPageAccuracy({
      from: filter.from.getTime(), to: filter.to.getTime(), now, incidents: spans,
      // Outages of a model's series over all platforms.
      outages: outages.filter((o) => o.platform === null && counted(o.severity)).map((o) => ({ model: o.model, start: o.start * MINUTE_MS, end: o.ongoing ? null : o.end * MINUTE_MS })),
      status: (model, minute) => statuses.get(model)?.get(minute) ?? 'no_data',
    });
    return { provider: filter.provider, minSeverity, incidents, ...figures };
  }

  /** Minute statuses (over all platforms) of each covered model while each incident was open: only those minutes are read. */
  private async statusesDuring(provider: string, incidents: readonly IncidentSpan[], to: number): Promise<Map<string, Map<number, MinuteStatus>>> {
    const statuses = new Map<string, Map<number, MinuteStatus>>();
    for (const incident of incidents) {
      const { first, end } = incidentMinutes(incident, to);
      for (const model of incident.models) {
        let byMinute = statuses.get(model);
        if (byMinute === undefined) statuses.set(model, (byMinute = new Map()));
        const series = await this.timeline.minuteSeries({ from: new Date(first * MINUTE_MS), to: new Date(end * MINUTE_MS), provider, model });
        for (const m of series) byMinute.set(m.minute, m.status);
      }
    }
    return statuses;
  }
}
