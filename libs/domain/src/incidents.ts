import { MinuteStatus, worse } from './detection';

/** A model outage as incidents see it: minutes are indexes, `end` exclusive. */
export interface ModelOutage {
  model: string;
  start: number;
  end: number;
  severity: MinuteStatus;
}

/** One provider-wide failure: outages of the provider's models that overlap or lie within the merge gap (concepts §5). */
export interface Incident {
  start: number;
  end: number;
  severity: MinuteStatus;
  /** Models involved, sorted. */
  models: string[];
  outages: number;
}

/** An incident with the model outages it was grouped from, in start order. */
export type GroupedIncident<T extends ModelOutage> = Incident & { members: T[] };

/** The order of an incident's members: by start, then end, then model. */
export const byStartEndModel = (a: ModelOutage, b: ModelOutage): number => a.start - b.start || a.end - b.end || a.model.localeCompare(b.model);

/** Groups one provider's model outages into incidents. */
export function groupIncidents<T extends ModelOutage>(outages: readonly T[], mergeGapMinutes: number): GroupedIncident<T>[] {
  const sorted = [...outages].sort(byStartEndModel);
  const incidents: GroupedIncident<T>[] = [];
  let current: Open<T> | null = null;
  for (const o of sorted) {
    if (current !== null && o.start - current.end <= mergeGapMinutes) {
      current.end = Math.max(current.end, o.end);
      current.severity = worse(current.severity, o.severity);
      current.models.add(o.model);
      current.members.push(o);
      continue;
    }
    if (current !== null) incidents.push(finish(current));
    current = { start: o.start, end: o.end, severity: o.severity, models: new Set([o.model]), members: [o] };
  }
  if (current !== null) incidents.push(finish(current));
  return incidents;
}

interface Open<T> {
  start: number;
  end: number;
  severity: MinuteStatus;
  models: Set<string>;
  members: T[];
}

function finish<T extends ModelOutage>(c: Open<T>): GroupedIncident<T> {
  return { start: c.start, end: c.end, severity: c.severity, models: [...c.models].sort(), outages: c.members.length, members: c.members };
}

/** Minutes [from, to) of one provider. */
export interface ProviderSpan {
  provider: string;
  from: number;
  to: number;
}

/**
 * Spans joined wherever they overlap or lie within the provider's merge gap of each other (so
 * that no outage in one can chain with an outage in another), sorted by provider and start.
 */
export function joinSpans(spans: readonly ProviderSpan[], gapOf: (provider: string) => number): ProviderSpan[] {
  const sorted = [...spans].sort((a, b) => (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : a.from - b.from));
  const joined: ProviderSpan[] = [];
  for (const span of sorted) {
    const last = joined.at(-1);
    if (last !== undefined && last.provider === span.provider && span.from - last.to <= gapOf(span.provider)) last.to = Math.max(last.to, span.to);
    else joined.push({ ...span });
  }
  return joined;
}
