import { Injectable } from '@nestjs/common';
import { ActionReport, actionReport, checkWindow, MINUTE_MS, MinuteStatus, ModelSpan, routedAwayPeriods, routedAwaySpans } from '@ledger/domain';
import { Database, InjectReadDatabase } from '@ledger/database';
import { PlatformActionRepository, RecordedAction } from '@ledger/event-store';
import { MinuteRollupRepository, TimelineQueries } from '@ledger/projections';

/** The longest window an action report covers (a quarter and a bit, like the other window queries' limits). */
const MAX_REPORT_DAYS = 100;
/** The most routed-away periods `periods` answers with (the latest): a platform that flaps is shown by its recent periods. */
const MAX_PERIODS = 50;

/** A time a platform had some of a provider's models routed away, with what it cost (concepts §11). */
export interface PlatformRoutedAway {
  platform: string;
  provider: string;
  /** [start, end) in epoch ms; end null while it lasts. */
  start: number;
  end: number | null;
  /** Each model's own spans in it (end null while it lasts). */
  spans: (Omit<ModelSpan, 'end'> & { end: number | null })[];
  /** Minutes of the period within the window asked about, and those while every routed-away model was healthy. */
  routedAwayMinutes: number;
  routedAwayWhileHealthyMinutes: number;
}

/**
 * A platform's own actions about a provider (concepts §11), read from the actions log and the
 * timeline: which models the provider had traffic for, their outages, and — only for the minutes
 * the platform routed away — their minute statuses over all platforms. Computed per request:
 * actions are few, and a replay of the timeline changes the answer exactly as it changes the outages.
 */
@Injectable()
export class ActionReportService {
  constructor(
    @InjectReadDatabase() private readonly db: Database,
    private readonly actions: PlatformActionRepository,
    private readonly timeline: TimelineQueries,
    private readonly rollups: MinuteRollupRepository,
  ) {}

  async list(filter: { from: Date; to: Date; platform?: string | undefined; provider?: string | undefined }): Promise<RecordedAction[]> {
    checkWindow(filter.from, filter.to, MAX_REPORT_DAYS);
    return this.actions.list(this.db, filter);
  }

  async report(filter: { from: Date; to: Date; platform: string; provider: string }, now = Date.now()): Promise<ActionReport> {
    checkWindow(filter.from, filter.to, MAX_REPORT_DAYS);
    const from = Math.floor(filter.from.getTime() / MINUTE_MS) * MINUTE_MS;
    const to = Math.ceil(filter.to.getTime() / MINUTE_MS) * MINUTE_MS;
    const [actions, models, outages] = await Promise.all([
      this.actions.before(this.db, { to: new Date(to), platform: filter.platform, provider: filter.provider }),
      this.rollups.modelsIn(this.db, filter.provider, new Date(from), new Date(to)),
      this.timeline.outagesIn({ from: new Date(from), to: new Date(to), provider: filter.provider }, now),
    ]);
    // Statuses are needed only where some model was routed away: read those minutes alone.
    const statuses = new Map<string, Map<number, MinuteStatus>>();
    for (const model of models) {
      const byMinute = new Map<number, MinuteStatus>();
      statuses.set(model, byMinute);
      for (const span of routedAwaySpans(actions, model)) {
        const spanFrom = Math.max(from, Math.floor(span.start / MINUTE_MS) * MINUTE_MS);
        const spanTo = Math.min(to, span.end === Infinity ? to : Math.ceil(span.end / MINUTE_MS) * MINUTE_MS);
        if (spanFrom >= spanTo) continue;
        // The model's series over all platforms, classified with its detection policy.
        for (const m of await this.timeline.minuteSeries({ from: new Date(spanFrom), to: new Date(spanTo), provider: filter.provider, model })) byMinute.set(m.minute, m.status);
      }
    }
    return actionReport({
      from, to, actions, models,
      status: (model, minute) => statuses.get(model)?.get(minute) ?? 'no_data',
      outages: outages
        .filter((o) => o.platform === null)
        .map((o) => ({ model: o.model, start: o.start * MINUTE_MS, end: o.ongoing ? null : o.end * MINUTE_MS })),
    });
  }

  /**
   * The periods overlapping [from, to) in which platforms (one, or every platform) had some of a
   * provider's models routed away, the latest MAX_PERIODS, each with its routed-away minutes in
   * the window and those while healthy (the action report over the period): what the status
   * page draws over the day bars and says in words.
   */
  async periods(filter: { from: Date; to: Date; platform?: string | undefined }, now = Date.now()): Promise<PlatformRoutedAway[]> {
    checkWindow(filter.from, filter.to, MAX_REPORT_DAYS);
    const from = filter.from.getTime();
    const to = filter.to.getTime();
    const actions = await this.actions.before(this.db, { to: filter.to, platform: filter.platform });
    const groups = new Map<string, RecordedAction[]>();
    for (const action of actions) {
      const key = `${action.platform}\u0000${action.provider}`;
      groups.set(key, [...(groups.get(key) ?? []), action]);
    }
    const found: PlatformRoutedAway[] = [];
    for (const list of groups.values()) {
      const { platform, provider } = list[0]!;
      const withTraffic = await this.rollups.modelsIn(this.db, provider, filter.from, filter.to);
      const models = [...new Set([...withTraffic, ...list.flatMap((a) => (a.model === null ? [] : [a.model]))])];
      for (const period of routedAwayPeriods(list, models)) {
        if (period.end <= from || period.start >= to) continue;
        const open = (end: number) => (end === Infinity ? null : end);
        found.push({
          platform, provider, start: period.start, end: open(period.end), spans: period.spans.map((s) => ({ ...s, end: open(s.end) })),
          routedAwayMinutes: 0, routedAwayWhileHealthyMinutes: 0,
        });
      }
    }
    const latest = found.sort((a, b) => b.start - a.start || a.platform.localeCompare(b.platform) || a.provider.localeCompare(b.provider)).slice(0, MAX_PERIODS);
    for (const period of latest) {
      const report = await this.report({
        from: new Date(Math.max(from, period.start)), to: new Date(Math.min(to, period.end ?? to)), platform: period.platform, provider: period.provider,
      }, now);
      period.routedAwayMinutes = report.routedAwayMinutes;
      period.routedAwayWhileHealthyMinutes = report.routedAwayWhileHealthyMinutes;
    }
    return latest;
  }
}
