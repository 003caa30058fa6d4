import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { InputError, parseStatuspageFeed, sameIncident, SLUG_PATTERN, StatusPageIncident } from '@ledger/domain';
import { Database, InjectDatabase } from '@ledger/database';
import { IncidentSource, ProviderIncidentRepository } from './provider-incident.repository';

/** What an import did, per incident of the feed. */
export interface ImportResult {
  /** Incidents seen for the first time (version 1). */
  imported: number;
  /** Incidents that changed since their latest version (a new version). */
  updated: number;
  /** Incidents exactly as stored. */
  unchanged: number;
}

/** A feed that is not a Statuspage incidents.json; `problems` name each fault with its place. */
export class FeedError extends InputError {
  constructor(readonly problems: string[]) {
    super(`not a Statuspage incidents.json: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`);
  }
}

/**
 * Imports a provider's status-page incidents (concepts §12): all of a feed in one transaction or
 * none of it, one import per provider at a time (so versions number without gaps or clashes).
 */
@Injectable()
export class IncidentImportService {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly incidents: ProviderIncidentRepository,
  ) {}

  /** Parses and imports a feed; a malformed one throws FeedError and stores nothing. */
  async importFeed(provider: string, feed: unknown, source: IncidentSource): Promise<ImportResult> {
    if (!SLUG_PATTERN.test(provider)) throw new InputError('provider must be a lowercase slug: [a-z0-9][a-z0-9._-]{0,63}');
    const parsed = parseStatuspageFeed(feed);
    if (!parsed.ok) throw new FeedError(parsed.problems);
    return this.importIncidents(provider, parsed.incidents, source);
  }

  async importIncidents(provider: string, incidents: readonly StatusPageIncident[], source: IncidentSource): Promise<ImportResult> {
    return this.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`provider-incidents:${provider}`}))`.execute(trx);
      const latest = await this.incidents.latestOf(trx, provider, incidents.map((i) => i.incidentId));
      const result: ImportResult = { imported: 0, updated: 0, unchanged: 0 };
      const versions: { incident: StatusPageIncident; version: number }[] = [];
      for (const incident of incidents) {
        const stored = latest.get(incident.incidentId);
        if (stored === undefined) result.imported++;
        else if (sameIncident(stored, incident)) {
          result.unchanged++;
          continue;
        } else result.updated++;
        versions.push({ incident, version: (stored?.version ?? 0) + 1 });
      }
      await this.incidents.append(trx, provider, versions, source);
      return result;
    });
  }
}
