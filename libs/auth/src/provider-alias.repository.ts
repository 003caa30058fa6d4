import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { DB } from '@ledger/database';

/** A key's own name for a provider in OTLP spans: `source` (the span's attribute) → `provider`. */
export interface ProviderAlias {
  source: string;
  provider: string;
}

/** The `otlp_provider_aliases` table: each key's aliases, replaced whole. */
@Injectable()
export class ProviderAliasRepository {
  async forKey(db: Kysely<DB>, keyId: string): Promise<ProviderAlias[]> {
    return db.selectFrom('otlp_provider_aliases').select(['source', 'provider']).where('key_id', '=', keyId).orderBy('source').execute();
  }

  async replace(db: Kysely<DB>, keyId: string, aliases: readonly ProviderAlias[]): Promise<void> {
    await db.deleteFrom('otlp_provider_aliases').where('key_id', '=', keyId).execute();
    if (aliases.length > 0) await db.insertInto('otlp_provider_aliases').values(aliases.map((a) => ({ key_id: keyId, ...a }))).execute();
  }
}
