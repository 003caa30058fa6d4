import { isBad, MinuteStatus } from '../detection';
import { MINUTE_MS } from '../minute';
import { minutesOneDecimal, OutageSpan } from '../actions/action-report';
import type { IncidentImpact } from './statuspage-feed';

/** How long after an outage's end an incident created then still acknowledges it. */
export const ACKNOWLEDGEMENT_SLACK_MS = 15 * MINUTE_MS;

/** A status-page incident (its latest version) as the accuracy needs it. */
export interface IncidentSpan {
  incidentId: string;
  impact: IncidentImpact;
  createdAt: number;
  /** null while unresolved: the incident is open-ended. */
  resolvedAt: number | null;
  /** The models its components cover (concepts §12: a component without a mapping covers every model). */
  models: readonly string[];
}

export interface StatusPageAccuracyInput {
  /** The window, [from, to) in epoch ms. */
  from: number;
  to: number;
  /** The provider's outages (per model, over all platforms); those starting in the window count. */
  outages: readonly OutageSpan[];
  /** The provider's incidents (latest versions); those created in the window count. */
  incidents: readonly IncidentSpan[];
  /** A model's minute status over all platforms ('no_data' without enough samples). */
  status: (model: string, minute: number) => MinuteStatus;
  /** The instant an ongoing outage has lasted until (its duration so far), epoch ms. */
  now: number;
}

export interface OutageAcknowledgement extends OutageSpan {
  /** The incidents that acknowledge it, by creation. */
  acknowledgedBy: string[];
}

export interface IncidentAccuracy {
  incidentId: string;
  /** Outages it acknowledges. */
  acknowledges: number;
  /** created_at − the start of the earliest outage it acknowledges, one decimal; null when it acknowledges none. */
  acknowledgementDelayMinutes: number | null;
  /**
   * Whether it had measured impact: it acknowledges an outage, or a covered model had a bad minute
   * while it was open (true for impact none: it claims no impact).
   */
  measuredImpact: boolean;
}

export interface StatusPageAccuracy {
  outages: number;
  acknowledgedOutages: number;
  unacknowledgedOutageMinutes: number;
  medianAcknowledgementDelayMinutes: number | null;
  incidentsWithoutMeasuredImpact: number;
  perOutage: OutageAcknowledgement[];
  perIncident: IncidentAccuracy[];
}

const claimsImpact = (incident: IncidentSpan) => incident.impact !== 'none';

/** Whether the incident covers the outage's model and is open during [start, end + 15 min). */
export function acknowledges(incident: IncidentSpan, outage: OutageSpan): boolean {
  if (!claimsImpact(incident) || !incident.models.includes(outage.model)) return false;
  const until = outage.end === null ? Infinity : outage.end + ACKNOWLEDGEMENT_SLACK_MS;
  return incident.createdAt < until && (incident.resolvedAt === null || incident.resolvedAt > outage.start);
}

/**
 * A provider's status page held against measurement over a window (concepts §12): which of its
 * outages it acknowledged and how late, how many outage minutes it never acknowledged, and which
 * of its incidents had no measured impact.
 */
export function statusPageAccuracy(input: StatusPageAccuracyInput): StatusPageAccuracy {
  const inWindow = (at: number) => at >= input.from && at < input.to;
  const outages = input.outages.filter((o) => inWindow(o.start)).sort((a, b) => a.start - b.start || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  const incidents = input.incidents.filter((i) => inWindow(i.createdAt)).sort((a, b) => a.createdAt - b.createdAt || (a.incidentId < b.incidentId ? -1 : 1));

  const perOutage = outages.map((o): OutageAcknowledgement => ({ ...o, acknowledgedBy: incidents.filter((i) => acknowledges(i, o)).map((i) => i.incidentId) }));
  const unacknowledgedOutageMinutes = perOutage
    .filter((o) => o.acknowledgedBy.length === 0)
    .reduce((sum, o) => sum + Math.round(((o.end ?? Math.max(o.start, input.now)) - o.start) / MINUTE_MS), 0);

  const perIncident = incidents.map((incident): IncidentAccuracy => {
    const acknowledged = outages.filter((o) => acknowledges(incident, o));
    const earliest = acknowledged.length === 0 ? null : Math.min(...acknowledged.map((o) => o.start));
    return {
      incidentId: incident.incidentId,
      acknowledges: acknowledged.length,
      acknowledgementDelayMinutes: earliest === null ? null : minutesOneDecimal(incident.createdAt - earliest),
      // An incident posted in the slack after an outage ended acknowledges it: late, not a false alarm.
      measuredImpact: !claimsImpact(incident) || acknowledged.length > 0 || hadBadMinute(incident, input),
    };
  });
  const delays = perIncident.flatMap((i) => (i.acknowledgementDelayMinutes === null ? [] : [i.acknowledgementDelayMinutes])).sort((a, b) => a - b);
  return {
    outages: outages.length,
    acknowledgedOutages: perOutage.filter((o) => o.acknowledgedBy.length > 0).length,
    unacknowledgedOutageMinutes,
    // The lower median of an even count.
    medianAcknowledgementDelayMinutes: delays.length === 0 ? null : delays[Math.floor((delays.length - 1) / 2)]!,
    incidentsWithoutMeasuredImpact: perIncident.filter((i) => !i.measuredImpact).length,
    perOutage,
    perIncident,
  };
}

/** The minutes an incident was open, [first, end) as minute indexes: those overlapping [createdAt, resolvedAt); an unresolved one up to the window's end. */
export function incidentMinutes(incident: Pick<IncidentSpan, 'createdAt' | 'resolvedAt'>, to: number): { first: number; end: number } {
  const until = Math.max(incident.createdAt, incident.resolvedAt ?? to);
  return { first: Math.floor(incident.createdAt / MINUTE_MS), end: Math.ceil(until / MINUTE_MS) };
}

function hadBadMinute(incident: IncidentSpan, input: StatusPageAccuracyInput): boolean {
  const { first, end } = incidentMinutes(incident, input.to);
  for (const model of incident.models) {
    for (let minute = first; minute < end; minute++) if (isBad(input.status(model, minute))) return true;
  }
  return false;
}
