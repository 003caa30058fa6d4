import { MINUTE_MS, MinuteStatus, worse } from '@ledger/domain';
import type { IncidentView, ModelStatusView } from '@ledger/projections';
import type { DailyModelTotals, PlatformRoutedAway } from '@ledger/reporting';

export const DAY_MS = 86_400_000;

/** How many days the status strips cover. */
export const HISTORY_DAYS = 90;
const MINUTES_PER_DAY = 1440;

/** The windows the uptime figures cover, ending at the page's instant. */
export const UPTIME_WINDOWS = [
  { label: '24 h', minutes: MINUTES_PER_DAY },
  { label: '7 d', minutes: 7 * MINUTES_PER_DAY },
  { label: '30 d', minutes: 30 * MINUTES_PER_DAY },
  { label: '90 d', minutes: HISTORY_DAYS * MINUTES_PER_DAY },
] as const;

/** One UTC day of a model: its worst status (from its outages) and its requests. */
export interface DayBar {
  day: number;
  status: MinuteStatus;
  successes: number;
  eligible: number;
}

/**
 * Uptime over a window, counting only time with data: of the window's minutes that lie in UTC
 * days on which the model had requests (`measuredMinutes`), the share outside its outages (over
 * all platforms). A day without a request says nothing about the model, so it counts neither
 * for nor against it; `measuredMinutes` of `windowMinutes` says how much of the window was
 * measured. `hasData` is false when no day of the window had requests (the page shows "—").
 */
export interface UptimeFigure {
  label: string;
  windowMinutes: number;
  /** Whole days the window spans (1 for 24 h). */
  windowDays: number;
  /** The window's minutes within days with requests. */
  measuredMinutes: number;
  outageMinutes: number;
  hasData: boolean;
}

/** A platform's routing away from this model (its own actions), within the strip's days: drawn as a band over the bars. */
export interface ModelRoutedAway {
  platform: string;
  /** Epoch ms; end null while it lasts. */
  start: number;
  end: number | null;
  /** The provider-wide period it belongs to (its minutes and those while healthy). */
  period: PlatformRoutedAway;
}

export interface ModelOverview {
  provider: string;
  model: string;
  live: ModelStatusView | null;
  days: DayBar[];
  uptime: UptimeFigure[];
  /** Routed-away spans of the platforms the viewer may see, by start. */
  routedAway: ModelRoutedAway[];
}

export interface ProviderOverview {
  provider: string;
  /** The worst live status among its models. */
  live: MinuteStatus;
  models: ModelOverview[];
}

export interface StatusOverview {
  /** The instant the page describes (ms). */
  asOf: number;
  providers: ProviderOverview[];
  /** Incidents of the last 30 days, most recent first. */
  incidents: IncidentView[];
  /** Routed-away periods of the platforms the viewer may see (none on a public page), latest first. */
  routedAway: PlatformRoutedAway[];
}

/** An outage of a model's series over all platforms, in minute indexes, `end` exclusive. */
export interface ModelOutageSpan {
  provider: string;
  model: string;
  start: number;
  end: number;
  severity: MinuteStatus;
}

export interface OverviewInput {
  asOf: number;
  days: readonly DailyModelTotals[];
  outages: readonly ModelOutageSpan[];
  live: readonly ModelStatusView[];
  incidents: readonly IncidentView[];
  routedAway?: readonly PlatformRoutedAway[];
}

/** Incidents of one provider this close together read as one episode on the page. */
export const EPISODE_GAP_MINUTES = 15;

/**
 * One provider's incidents that a person reads as one event: outages (partial or major) less
 * than EPISODE_GAP_MINUTES apart, or degradations as close to each other. Detection keeps them
 * apart (the minutes between them were not bad: no failures above the threshold, or too few
 * requests to judge), and the page says so. A stray degradation next to an outage stays its own
 * row: it did not make the outage start earlier.
 */
export interface Episode {
  provider: string;
  start: number;
  end: number;
  severity: MinuteStatus;
  ongoing: boolean;
  models: string[];
  /** In start order. */
  incidents: IncidentView[];
}

/** Groups incidents into episodes per provider, most recent first. */
export function episodesOf(incidents: readonly IncidentView[]): Episode[] {
  const episodes: Episode[] = [];
  const degraded = (i: { severity: MinuteStatus }) => i.severity === 'degraded';
  const byProvider = [...incidents].sort((a, b) => a.provider.localeCompare(b.provider) || Number(degraded(a)) - Number(degraded(b)) || a.start - b.start);
  let current: Episode | undefined;
  for (const incident of byProvider) {
    const joins = current !== undefined && current.provider === incident.provider && degraded(current) === degraded(incident) && incident.start - current.end < EPISODE_GAP_MINUTES;
    if (current !== undefined && joins) {
      current.end = Math.max(current.end, incident.end);
      current.severity = worse(current.severity, incident.severity);
      current.ongoing ||= incident.ongoing;
      for (const model of incident.models) if (!current.models.includes(model)) current.models.push(model);
      current.incidents.push(incident);
    } else {
      const { provider, start, end, severity, ongoing } = incident;
      episodes.push((current = { provider, start, end, severity, ongoing, models: [...incident.models], incidents: [incident] }));
    }
  }
  return episodes.sort((a, b) => b.start - a.start || a.provider.localeCompare(b.provider));
}

/** The last day shown: the UTC day holding the instant just before `asOf`. */
export function lastDayOf(asOf: number): number {
  return Math.floor((asOf - 1) / DAY_MS);
}

/** Composes the status page from daily sums, outages and live statuses (no IO). */
export function buildOverview(input: OverviewInput): StatusOverview {
  const lastDay = lastDayOf(input.asOf);
  const firstDay = lastDay - HISTORY_DAYS + 1;
  // The windows end with the minute under way: a model in an outage now has that minute counted against it.
  const windowEnd = Math.ceil(input.asOf / MINUTE_MS);
  const key = (provider: string, model: string) => `${provider}\u0000${model}`;

  const models = new Map<string, { provider: string; model: string; live: ModelStatusView | null; days: Map<number, DailyModelTotals>; outages: ModelOutageSpan[] }>();
  const entry = (provider: string, model: string) => {
    let e = models.get(key(provider, model));
    if (e === undefined) models.set(key(provider, model), (e = { provider, model, live: null, days: new Map(), outages: [] }));
    return e;
  };
  for (const d of input.days) if (d.day >= firstDay && d.day <= lastDay) entry(d.provider, d.model).days.set(d.day, d);
  for (const s of input.live) entry(s.provider, s.model).live = s;
  for (const o of input.outages) models.get(key(o.provider, o.model))?.outages.push(o);

  const overviews: ModelOverview[] = [...models.values()].map((m) => {
    const days: DayBar[] = [];
    for (let day = firstDay; day <= lastDay; day++) {
      const sums = m.days.get(day);
      const eligible = sums === undefined ? 0 : sums.successes + sums.failures;
      const lo = day * MINUTES_PER_DAY;
      const hi = lo + MINUTES_PER_DAY;
      let status: MinuteStatus = eligible > 0 ? 'operational' : 'no_data';
      for (const o of m.outages) if (o.start < hi && o.end > lo) status = worse(status, o.severity);
      days.push({ day, status, successes: sums?.successes ?? 0, eligible });
    }
    const uptime = UPTIME_WINDOWS.map(({ label, minutes }): UptimeFigure => {
      const lo = windowEnd - minutes;
      const overlap = (from: number, to: number) => Math.max(0, Math.min(to, windowEnd) - Math.max(from, lo));
      const outageMinutes = m.outages.reduce((sum, o) => sum + overlap(o.start, o.end), 0);
      const measured = days.filter((d) => d.eligible > 0 && overlap(d.day * MINUTES_PER_DAY, (d.day + 1) * MINUTES_PER_DAY) > 0);
      const windowDays = minutes / MINUTES_PER_DAY;
      return {
        label, windowMinutes: minutes, windowDays, outageMinutes,
        measuredMinutes: measured.reduce((sum, d) => sum + overlap(d.day * MINUTES_PER_DAY, (d.day + 1) * MINUTES_PER_DAY), 0),
        hasData: measured.length > 0,
      };
    });
    const routedAway = (input.routedAway ?? [])
      .filter((p) => p.provider === m.provider)
      .flatMap((period) => period.spans.filter((s) => s.model === m.model).map((s) => ({ platform: period.platform, start: s.start, end: s.end, period })))
      .sort((a, b) => a.start - b.start);
    return { provider: m.provider, model: m.model, live: m.live, days, uptime, routedAway };
  });

  const byProvider = new Map<string, ModelOverview[]>();
  for (const o of overviews) byProvider.set(o.provider, [...(byProvider.get(o.provider) ?? []), o]);
  const providers = [...byProvider.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([provider, list]) => ({
      provider,
      live: list.reduce<MinuteStatus>((acc, m) => worse(acc, m.live?.status ?? 'no_data'), 'no_data'),
      models: list.sort((a, b) => a.model.localeCompare(b.model)),
    }));
  const incidents = [...input.incidents].sort((a, b) => b.start - a.start || a.provider.localeCompare(b.provider));
  return { asOf: input.asOf, providers, incidents, routedAway: [...(input.routedAway ?? [])] };
}
