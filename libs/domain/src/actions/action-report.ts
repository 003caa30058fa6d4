import type { MinuteStatus } from '../detection';
import { MINUTE_MS } from '../minute';
import { PlatformAction, ROUTING_AWAY } from './platform-action';

/** An outage of one model over all platforms (concepts §5): [start, end) in epoch ms, end null while it lasts. */
export interface OutageSpan {
  model: string;
  start: number;
  end: number | null;
}

export interface ActionReportInput {
  /** The window, [from, to) in epoch ms, on whole minutes. */
  from: number;
  to: number;
  /** The platform's actions about the provider, up to `to` (earlier ones too: they say where the window starts from). */
  actions: readonly PlatformAction[];
  /** The provider's models with events from any platform in the window. */
  models: readonly string[];
  /** A model's minute status over all platforms ('no_data' without enough traffic). */
  status: (model: string, minute: number) => MinuteStatus;
  /** The provider's outages (per model, over all platforms) that overlap the window or start in it. */
  outages: readonly OutageSpan[];
}

export interface OutageAction {
  model: string;
  start: number;
  end: number | null;
  /** Minutes from the outage's start to the platform's first routing away from it (one decimal; negative when it acted first); null when it did not act. */
  timeToActionMinutes: number | null;
  /** Minutes from the outage's end to the first routing back; null without an action, or while not restored. */
  restoreLagMinutes: number | null;
}

export interface ActionReport {
  routedAwayMinutes: number;
  routedAwayWhileHealthyMinutes: number;
  medianTimeToActionMinutes: number | null;
  outagesWithoutAction: number;
  perOutage: OutageAction[];
}

/** How far before an outage's start an action still counts as acting on it. */
export const ACTION_LEAD_MS = 5 * MINUTE_MS;

/** Milliseconds as minutes with one decimal, half away from zero (exact: integer arithmetic). */
export function minutesOneDecimal(ms: number): number {
  const tenths = Math.floor((Math.abs(ms) + 3_000) / 6_000);
  return (Math.sign(ms) * tenths) / 10;
}

const covers = (action: PlatformAction, model: string) => action.model === null || action.model === model;
const byTime = (a: PlatformAction, b: PlatformAction) => a.occurredAt - b.occurredAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * When a model was routed away: from a `disable`/`failover` covering it (its own, or the whole
 * provider's) until the next `enable`/`failback` covering it; [start, end), end Infinity while it lasts.
 */
export function routedAwaySpans(actions: readonly PlatformAction[], model: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let since: number | null = null;
  for (const action of [...actions].sort(byTime)) {
    if (!covers(action, model)) continue;
    if (ROUTING_AWAY.has(action.action)) since ??= action.occurredAt;
    else if (since !== null) {
      spans.push({ start: since, end: action.occurredAt });
      since = null;
    }
  }
  if (since !== null) spans.push({ start: since, end: Infinity });
  return spans;
}

/** A model's routed-away span. */
export interface ModelSpan {
  model: string;
  start: number;
  end: number;
}

/** A time in which some of a provider's models were routed away: the union of their spans, end Infinity while it lasts. */
export interface RoutedAwayPeriod {
  start: number;
  end: number;
  /** Each model's own spans within it, by start. */
  spans: ModelSpan[];
}

/** The periods in which at least one of `models` was routed away, in time order. */
export function routedAwayPeriods(actions: readonly PlatformAction[], models: readonly string[]): RoutedAwayPeriod[] {
  const spans = models.flatMap((model) => routedAwaySpans(actions, model).map((s) => ({ model, ...s })))
    .sort((a, b) => a.start - b.start || (a.model < b.model ? -1 : 1));
  const periods: RoutedAwayPeriod[] = [];
  for (const span of spans) {
    const last = periods.at(-1);
    if (last !== undefined && span.start <= last.end) {
      last.end = Math.max(last.end, span.end);
      last.spans.push(span);
    } else periods.push({ start: span.start, end: span.end, spans: [span] });
  }
  return periods;
}

/**
 * A platform's own actions about a provider over a window (concepts §11): the minutes it routed
 * away, those of them while the provider was healthy, and per outage starting in the window how
 * long it took to act and to come back.
 */
export function actionReport(input: ActionReportInput): ActionReport {
  const spans = new Map(input.models.map((model) => [model, routedAwaySpans(input.actions, model)]));
  const outagesOf = new Map<string, OutageSpan[]>();
  for (const outage of input.outages) outagesOf.set(outage.model, [...(outagesOf.get(outage.model) ?? []), outage]);
  const inProgress = (model: string, at: number) => (outagesOf.get(model) ?? []).some((o) => o.start <= at && (o.end === null || at < o.end));
  const healthy = (model: string, minute: number) => {
    const status = input.status(model, minute);
    return status === 'operational' || (status === 'no_data' && !inProgress(model, minute * MINUTE_MS));
  };

  let routedAwayMinutes = 0;
  let routedAwayWhileHealthyMinutes = 0;
  for (let start = input.from; start < input.to; start += MINUTE_MS) {
    const away = input.models.filter((model) => spans.get(model)!.some((s) => s.start < start + MINUTE_MS && s.end > start));
    if (away.length === 0) continue;
    routedAwayMinutes++;
    if (away.every((model) => healthy(model, start / MINUTE_MS))) routedAwayWhileHealthyMinutes++;
  }

  const sorted = [...input.actions].sort(byTime);
  const perOutage = input.outages
    .filter((o) => o.start >= input.from && o.start < input.to)
    .sort((a, b) => a.start - b.start || (a.model < b.model ? -1 : 1))
    .map((outage): OutageAction => {
      const until = outage.end ?? Infinity;
      const acted = sorted.find((a) => ROUTING_AWAY.has(a.action) && covers(a, outage.model) && a.occurredAt >= outage.start - ACTION_LEAD_MS && a.occurredAt <= until);
      const restored = acted === undefined || outage.end === null
        ? undefined
        : sorted.find((a) => !ROUTING_AWAY.has(a.action) && covers(a, outage.model) && a.occurredAt >= outage.end!);
      return {
        model: outage.model, start: outage.start, end: outage.end,
        timeToActionMinutes: acted === undefined ? null : minutesOneDecimal(acted.occurredAt - outage.start),
        restoreLagMinutes: restored === undefined ? null : minutesOneDecimal(restored.occurredAt - outage.end!),
      };
    });
  const times = perOutage.flatMap((o) => (o.timeToActionMinutes === null ? [] : [o.timeToActionMinutes])).sort((a, b) => a - b);
  return {
    routedAwayMinutes,
    routedAwayWhileHealthyMinutes,
    // The lower median of an even count.
    medianTimeToActionMinutes: times.length === 0 ? null : times[Math.floor((times.length - 1) / 2)]!,
    outagesWithoutAction: perOutage.length - times.length,
    perOutage,
  };
}
