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

/** Groups one provider's model outages into incidents. */
export function groupIncidents(outages: readonly ModelOutage[], mergeGapMinutes: number): Incident[] {
  const sorted = [...outages].sort((a, b) => a.start - b.start || a.end - b.end || a.model.localeCompare(b.model));
  const incidents: Incident[] = [];
  let current: { start: number; end: number; severity: MinuteStatus; models: Set<string>; outages: number } | null = null;
  for (const o of sorted) {
    if (current !== null && o.start - current.end <= mergeGapMinutes) {
      current.end = Math.max(current.end, o.end);
      current.severity = worse(current.severity, o.severity);
      current.models.add(o.model);
      current.outages += 1;
      continue;
    }
    if (current !== null) incidents.push(finish(current));
    current = { start: o.start, end: o.end, severity: o.severity, models: new Set([o.model]), outages: 1 };
  }
  if (current !== null) incidents.push(finish(current));
  return incidents;
}

function finish(c: { start: number; end: number; severity: MinuteStatus; models: Set<string>; outages: number }): Incident {
  return { start: c.start, end: c.end, severity: c.severity, models: [...c.models].sort(), outages: c.outages };
}
