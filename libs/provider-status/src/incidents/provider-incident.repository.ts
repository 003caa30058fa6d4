import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { IncidentImpact, StatusPageIncident } from '@ledger/domain';
import type { DB, ProviderIncidentVersionRow } from '@ledger/database';

/** Where a version came from: an upload (POST /v1/provider-incidents, the demo) or the poller. */
export type IncidentSource = 'upload' | 'poller';

/** One stored version of a provider's incident. */
export interface StoredIncident extends StatusPageIncident {
  provider: string;
  version: number;
  source: IncidentSource;
  recordedAt: Date;
}

/** The incident versions log (concepts §12): appended by imports, read as the latest version of each incident. */
@Injectable()
export class ProviderIncidentRepository {
  /** The latest stored version of each of these incidents of a provider, by incident id. */
  async latestOf(db: Kysely<DB>, provider: string, incidentIds: readonly string[]): Promise<Map<string, StoredIncident>> {
    if (incidentIds.length === 0) return new Map();
    const rows = await db.selectFrom('provider_incident_versions').selectAll()
      .distinctOn('incident_id')
      .where('provider', '=', provider).where('incident_id', 'in', incidentIds)
      .orderBy('incident_id').orderBy('version', 'desc')
      .execute();
    return new Map(rows.map((r) => [r.incident_id, fromRow(r)]));
  }

  async append(db: Kysely<DB>, provider: string, versions: readonly { incident: StatusPageIncident; version: number }[], source: IncidentSource): Promise<void> {
    // Well under Postgres's 65,535 parameters per statement (12 a row).
    for (let i = 0; i < versions.length; i += 2_000) {
      await db.insertInto('provider_incident_versions').values(versions.slice(i, i + 2_000).map(({ incident, version }) => ({
        provider, incident_id: incident.incidentId, version, name: incident.name, status: incident.status, impact: incident.impact,
        created_at: new Date(incident.createdAt), resolved_at: incident.resolvedAt === null ? null : new Date(incident.resolvedAt),
        components: incident.components,
        updates: JSON.stringify(incident.updates.map((u) => ({ status: u.status, body: u.body, createdAt: new Date(u.createdAt).toISOString() }))),
        source,
      }))).execute();
    }
  }

  /**
   * The latest version of each incident created in [from, to) (by that version's created_at),
   * of one provider or all, by creation.
   */
  async createdIn(db: Kysely<DB>, filter: { from: Date; to: Date; provider?: string | undefined }): Promise<StoredIncident[]> {
    let candidates = db.selectFrom('provider_incident_versions').select(['provider', 'incident_id'])
      .where('created_at', '>=', filter.from).where('created_at', '<', filter.to);
    if (filter.provider !== undefined) candidates = candidates.where('provider', '=', filter.provider);
    const rows = await db.selectFrom('provider_incident_versions').selectAll()
      .distinctOn(['provider', 'incident_id'])
      .where(({ eb, refTuple }) => eb(refTuple('provider', 'incident_id'), 'in', candidates.$asTuple('provider', 'incident_id')))
      .orderBy('provider').orderBy('incident_id').orderBy('version', 'desc')
      .execute();
    const from = filter.from.getTime();
    const to = filter.to.getTime();
    // A later version may have moved created_at out of the window.
    return rows.map(fromRow).filter((i) => i.createdAt >= from && i.createdAt < to)
      .sort((a, b) => a.createdAt - b.createdAt || a.provider.localeCompare(b.provider) || a.incidentId.localeCompare(b.incidentId));
  }
}

function fromRow(r: ProviderIncidentVersionRow): StoredIncident {
  return {
    provider: r.provider, incidentId: r.incident_id, version: r.version, name: r.name, status: r.status, impact: r.impact as IncidentImpact,
    createdAt: r.created_at.getTime(), resolvedAt: r.resolved_at?.getTime() ?? null, components: r.components,
    updates: r.updates.map((u) => ({ status: u.status, body: u.body, createdAt: Date.parse(u.createdAt) })),
    source: r.source as IncidentSource, recordedAt: r.recorded_at,
  };
}
