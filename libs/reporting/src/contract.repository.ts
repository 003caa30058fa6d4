import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { ContractTerm, ContractTerms } from '@ledger/domain';
import type { DB } from '@ledger/database';

/** One version of a contract, in force from `inForceFrom`. */
export interface ContractVersion {
  id: string;
  version: number;
  terms: ContractTerms;
  inForceFrom: number;
  recordedAt: Date;
}

type StoredTerms = Omit<ContractTerms, 'effectiveFrom' | 'effectiveTo' | 'countTimeouts' | 'errorStatuses' | 'minimumCredit'> &
  Partial<Pick<ContractTerms, 'countTimeouts' | 'errorStatuses' | 'minimumCredit'>> & { effectiveFrom: string; effectiveTo: string | null };

/** The contracts read model (one row per version). */
@Injectable()
export class ContractRepository {
  async insert(db: Kysely<DB>, version: ContractVersion): Promise<void> {
    const stored: StoredTerms = {
      ...version.terms,
      effectiveFrom: new Date(version.terms.effectiveFrom).toISOString(),
      effectiveTo: version.terms.effectiveTo === null ? null : new Date(version.terms.effectiveTo).toISOString(),
    };
    await db
      .insertInto('contracts')
      .values({
        id: version.id,
        version: version.version,
        platform: version.terms.platform,
        provider: version.terms.provider,
        terms: JSON.stringify(stored),
        in_force_from: new Date(version.inForceFrom),
        recorded_at: version.recordedAt,
      })
      .execute();
  }

  /** Every version of one contract, oldest first. */
  async versions(db: Kysely<DB>, id: string): Promise<ContractVersion[]> {
    const rows = await db.selectFrom('contracts').selectAll().where('id', '=', id).orderBy('version').execute();
    return rows.map(fromRow);
  }

  /** Every version of the contracts matching the filter, grouped by contract id. */
  async list(db: Kysely<DB>, filter: { platform?: string | undefined; provider?: string | undefined }): Promise<Map<string, ContractVersion[]>> {
    let query = db.selectFrom('contracts').selectAll();
    if (filter.platform !== undefined) query = query.where('platform', '=', filter.platform);
    if (filter.provider !== undefined) query = query.where('provider', '=', filter.provider);
    const byId = new Map<string, ContractVersion[]>();
    for (const row of await query.orderBy('id').orderBy('version').execute()) {
      byId.set(row.id, [...(byId.get(row.id) ?? []), fromRow(row)]);
    }
    return byId;
  }
}

function fromRow(row: { id: string; version: number; terms: unknown; in_force_from: Date; recorded_at: Date }): ContractVersion {
  const stored = row.terms as StoredTerms;
  return {
    id: row.id,
    version: row.version,
    terms: {
      ...stored,
      // Versions recorded before contracts had failure rules (concepts §9) have the defaults.
      countTimeouts: stored.countTimeouts ?? true,
      errorStatuses: stored.errorStatuses ?? null,
      minimumCredit: stored.minimumCredit ?? null,
      effectiveFrom: Date.parse(stored.effectiveFrom),
      effectiveTo: stored.effectiveTo === null ? null : Date.parse(stored.effectiveTo),
    },
    inForceFrom: row.in_force_from.getTime(),
    recordedAt: row.recorded_at,
  };
}

/** A contract's whole term as its versions set it: from the first start to the end the latest one sets, if any. */
export function termOf(versions: readonly ContractVersion[]): ContractTerm {
  return { effectiveFrom: Math.min(...versions.map((v) => v.terms.effectiveFrom)), effectiveTo: versions.at(-1)!.terms.effectiveTo };
}

/** The version in force at an instant: the last one that took effect before it (the first if none had). */
export function versionInForce(versions: readonly ContractVersion[], at: number): ContractVersion {
  let chosen = versions[0]!;
  for (const v of versions) if (v.inForceFrom < at && v.version >= chosen.version) chosen = v;
  return chosen;
}
