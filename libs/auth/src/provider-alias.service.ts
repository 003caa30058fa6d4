import { Injectable } from '@nestjs/common';
import { InputError, SLUG_PATTERN } from '@ledger/domain';
import { Database, InjectDatabase } from '@ledger/database';
import { AdminEventRepository } from '@ledger/event-store';
import { ApiKeyRepository } from './api-key.repository';
import { ProviderAlias, ProviderAliasRepository } from './provider-alias.repository';

const MAX_ALIASES = 100;
/** How long a process keeps a key's aliases: a change reaches every API process within this. */
const CACHE_MS = 30_000;

/**
 * Per-key provider names for OTLP ingest (docs/api.md § OTLP): a platform whose
 * instrumentation writes `gen_ai.provider.name = "my-proxy"` can have it recorded as `openai`.
 * Setting them replaces the key's list and records an admin event.
 */
@Injectable()
export class ProviderAliasService {
  private readonly cache = new Map<string, { at: number; aliases: Promise<ReadonlyMap<string, string>> }>();

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly aliases: ProviderAliasRepository,
    private readonly keys: ApiKeyRepository,
    private readonly events: AdminEventRepository,
  ) {}

  list(keyId: string): Promise<ProviderAlias[]> {
    return this.aliases.forKey(this.db, keyId);
  }

  /** The key's aliases as a lookup, cached for CACHE_MS (read on every export). */
  forKey(keyId: string, now = Date.now()): Promise<ReadonlyMap<string, string>> {
    const hit = this.cache.get(keyId);
    if (hit !== undefined && now - hit.at < CACHE_MS) return hit.aliases;
    const aliases = this.list(keyId).then((list) => new Map(list.map((a) => [a.source, a.provider])));
    this.cache.set(keyId, { at: now, aliases });
    aliases.catch(() => this.cache.delete(keyId));
    return aliases;
  }

  async set(keyId: string, aliases: readonly ProviderAlias[], actor: string | null): Promise<ProviderAlias[]> {
    if (aliases.length > MAX_ALIASES) throw new InputError(`a key may have at most ${MAX_ALIASES} provider aliases`);
    const seen = new Set<string>();
    const clean = aliases.map(({ source, provider }) => {
      if (source === '' || source.length > 200) throw new InputError('an alias source must have 1 to 200 characters');
      if (seen.has(source)) throw new InputError(`alias source ${JSON.stringify(source)} is listed twice`);
      seen.add(source);
      if (!SLUG_PATTERN.test(provider)) throw new InputError(`provider ${JSON.stringify(provider)} must be a lowercase slug: [a-z0-9][a-z0-9._-]{0,63}`);
      return { source, provider };
    }).sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
    if ((await this.keys.findActive(keyId)) === undefined) throw new InputError(`no active key ${keyId}`);
    await this.db.transaction().execute(async (trx) => {
      await this.aliases.replace(trx, keyId, clean);
      await this.events.append(trx, { type: 'OtlpProviderAliasesSet', data: { keyId, aliases: clean }, actor });
    });
    this.cache.delete(keyId);
    return clean;
  }
}
