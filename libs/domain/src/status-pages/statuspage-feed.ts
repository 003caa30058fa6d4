import { z } from 'zod';
import { parseRfc3339 } from '../timestamp';

/**
 * A provider's status-page incident as SLA Ledger keeps it (concepts §12): the parts of an
 * Atlassian Statuspage incident that say what the provider admitted to and when. A re-import
 * that changes any of them adds a version; fields outside it (`updated_at`, `shortlink`, page
 * metadata) do not.
 */
export interface StatusPageIncident {
  incidentId: string;
  name: string;
  /** investigating, identified, monitoring, resolved, postmortem, … as the page says. */
  status: string;
  impact: IncidentImpact;
  /** Epoch ms. */
  createdAt: number;
  resolvedAt: number | null;
  /** Component names, sorted, without repeats. */
  components: string[];
  /** The incident's updates, oldest first. */
  updates: IncidentUpdate[];
}

export interface IncidentUpdate {
  status: string;
  body: string;
  createdAt: number;
}

export const INCIDENT_IMPACTS = ['none', 'minor', 'major', 'critical', 'maintenance'] as const;
export type IncidentImpact = (typeof INCIDENT_IMPACTS)[number];

/** The largest feed read, uploaded or polled (a Statuspage feed of 50 incidents is a few hundred KB). */
export const MAX_FEED_BYTES = 10 * 1024 * 1024;
/** The most incidents one feed may hold. */
export const MAX_FEED_INCIDENTS = 1_000;
const MAX_UPDATES = 500;

const timestamp = (field: string) =>
  z.string({ error: `${field} must be an RFC 3339 timestamp string` }).refine((s) => parseRfc3339(s) !== null, `${field} must be an RFC 3339 timestamp with an offset`);
const text = (field: string, max: number) => z.string({ error: `${field} must be a string` }).max(max, `${field} must be at most ${max} characters`);

const updateSchema = z.object({
  status: text('status', 64),
  body: text('body', 20_000).nullish(),
  created_at: timestamp('created_at'),
});

const incidentSchema = z.object({
  id: z.union([z.string(), z.number()], { error: 'id must be a string' }).transform(String).pipe(z.string().min(1, 'id must not be empty').max(128, 'id must be at most 128 characters')),
  name: text('name', 500),
  status: text('status', 64),
  impact: z.enum(INCIDENT_IMPACTS, { error: `impact must be one of ${INCIDENT_IMPACTS.join(', ')}` }),
  created_at: timestamp('created_at'),
  resolved_at: timestamp('resolved_at').nullish(),
  components: z.array(z.object({ name: text('name', 200) }), { error: 'components must be an array of objects with a name' }).max(200, 'components may list at most 200').nullish(),
  incident_updates: z.array(updateSchema, { error: 'incident_updates must be an array' }).max(MAX_UPDATES, `incident_updates may list at most ${MAX_UPDATES}`).nullish(),
});

const feedSchema = z.object({
  incidents: z.array(z.unknown(), { error: 'the body must be a Statuspage incidents.json: an object with an "incidents" array' })
    .max(MAX_FEED_INCIDENTS, `a feed may hold at most ${MAX_FEED_INCIDENTS} incidents`),
}, { error: 'the body must be a Statuspage incidents.json: an object with an "incidents" array' });

export type FeedParse = { ok: true; incidents: StatusPageIncident[] } | { ok: false; problems: string[] };

/**
 * Reads an Atlassian Statuspage `incidents.json` (GET /api/v2/incidents.json). Every problem is
 * named with its place (`incidents[3].created_at: …`); one bad incident refuses the whole feed,
 * so that an import stores all of it or nothing.
 */
export function parseStatuspageFeed(raw: unknown): FeedParse {
  const feed = feedSchema.safeParse(raw);
  if (!feed.success) return { ok: false, problems: feed.error.issues.map((i) => i.message) };
  const problems: string[] = [];
  const incidents: StatusPageIncident[] = [];
  const seen = new Set<string>();
  feed.data.incidents.forEach((item, index) => {
    const parsed = incidentSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const where = issue.path.length === 0 ? '' : `.${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[')}`;
        problems.push(`incidents[${index}]${where}: ${issue.message}`);
      }
      return;
    }
    const i = parsed.data;
    if (seen.has(i.id)) {
      problems.push(`incidents[${index}].id: incident ${JSON.stringify(i.id)} appears twice`);
      return;
    }
    seen.add(i.id);
    const createdAt = parseRfc3339(i.created_at)!;
    const resolvedAt = i.resolved_at == null ? null : parseRfc3339(i.resolved_at)!;
    if (resolvedAt !== null && resolvedAt < createdAt) {
      problems.push(`incidents[${index}].resolved_at: ${i.resolved_at} is before created_at ${i.created_at}`);
      return;
    }
    incidents.push({
      incidentId: i.id, name: i.name, status: i.status, impact: i.impact, createdAt, resolvedAt,
      components: [...new Set((i.components ?? []).map((c) => c.name))].sort(),
      updates: (i.incident_updates ?? [])
        .map((u) => ({ status: u.status, body: u.body ?? '', createdAt: parseRfc3339(u.created_at)! }))
        .sort((a, b) => a.createdAt - b.createdAt || (a.status < b.status ? -1 : a.status > b.status ? 1 : 0) || (a.body < b.body ? -1 : a.body > b.body ? 1 : 0)),
    });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, incidents };
}

/** Whether two versions of an incident say the same thing (a re-import of it changes nothing). */
export function sameIncident(a: StatusPageIncident, b: StatusPageIncident): boolean {
  return a.incidentId === b.incidentId && a.name === b.name && a.status === b.status && a.impact === b.impact
    && a.createdAt === b.createdAt && a.resolvedAt === b.resolvedAt
    && a.components.length === b.components.length && a.components.every((c, i) => c === b.components[i])
    && a.updates.length === b.updates.length
    && a.updates.every((u, i) => u.status === b.updates[i]!.status && u.body === b.updates[i]!.body && u.createdAt === b.updates[i]!.createdAt);
}
