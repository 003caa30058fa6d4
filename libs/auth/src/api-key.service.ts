import { Inject, Injectable, Optional } from '@nestjs/common';
import { InputError, isSlug, Principal, Scope, SCOPES } from '@ledger/domain';
import { ApiKeyRow, Database, InjectDatabase } from '@ledger/database';
import { AdminEventRepository } from '@ledger/event-store';
import { ApiKeyRepository } from './api-key.repository';
import { issueToken, parseToken, secretMatches, sha256 } from './api-key-token';

/** Injection token for the configured bootstrap admin key (operations.md § Configuration: ADMIN_API_KEY). */
export const ADMIN_API_KEY = Symbol('ADMIN_API_KEY');
export const BOOTSTRAP_ADMIN_KEY_ID = 'bootstrap-admin';

export interface NewApiKey {
  platform: string | null;
  scopes: readonly Scope[];
  name: string | null;
}

export interface ApiKeySummary {
  id: string;
  platform: string | null;
  name: string | null;
  scopes: Scope[];
  createdAt: Date;
  revokedAt: Date | null;
}

export interface CreatedApiKey extends ApiKeySummary {
  /** The bearer token; shown once, never stored. */
  secret: string;
}

export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'missing' | 'unknown' };

/** Keys: created and revoked as admin events, verified against stored hashes on every request. */
@Injectable()
export class ApiKeyService {
  private readonly adminKeyHash: Buffer | null;

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly keys: ApiKeyRepository,
    private readonly adminEvents: AdminEventRepository,
    @Optional() @Inject(ADMIN_API_KEY) adminApiKey?: string,
  ) {
    this.adminKeyHash = adminApiKey ? sha256(adminApiKey) : null;
  }

  async create(input: NewApiKey, actor: string | null, now: Date = new Date()): Promise<CreatedApiKey> {
    const scopes = normaliseScopes(input.scopes);
    if (input.platform !== null && !isSlug(input.platform)) {
      throw new InputError('platform must be a lowercase slug: [a-z0-9][a-z0-9._-]{0,63}');
    }
    if (scopes.includes('ingest') && input.platform === null) {
      throw new InputError('an ingest key must belong to a platform: events are stored under the key\'s platform');
    }
    if (input.name !== null && input.name.length > 200) throw new InputError('name must be at most 200 characters');
    const { id, secretHash, token } = issueToken();
    await this.db.transaction().execute(async (trx) => {
      await this.adminEvents.append(trx, {
        type: 'ApiKeyCreated',
        data: { id, platform: input.platform, name: input.name, scopes, createdAt: now.toISOString() },
        actor,
      });
      await this.keys.insert(trx, { id, platform: input.platform, name: input.name, scopes, secretHash, createdAt: now });
    });
    return { id, platform: input.platform, name: input.name, scopes, createdAt: now, revokedAt: null, secret: token };
  }

  /** Revokes at once for every process (keys are looked up per request); false if unknown or already revoked. */
  async revoke(id: string, actor: string | null, now: Date = new Date()): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const revoked = await this.keys.revoke(trx, id, now);
      if (revoked) {
        await this.adminEvents.append(trx, { type: 'ApiKeyRevoked', data: { id, revokedAt: now.toISOString() }, actor });
      }
      return revoked;
    });
  }

  async list(): Promise<ApiKeySummary[]> {
    return (await this.keys.list()).map(toSummary);
  }

  /** Verifies an `Authorization` header value. */
  async authenticate(authorization: string | undefined): Promise<Authentication> {
    const token = bearerToken(authorization);
    if (token === null) return { ok: false, reason: 'missing' };
    if (this.adminKeyHash !== null && secretMatches(token, this.adminKeyHash)) {
      return { ok: true, principal: { keyId: BOOTSTRAP_ADMIN_KEY_ID, platform: null, scopes: new Set(SCOPES) } };
    }
    const parsed = parseToken(token);
    if (parsed === null) return { ok: false, reason: 'unknown' };
    const row = await this.keys.findActive(parsed.id);
    if (row === undefined || !secretMatches(parsed.secret, row.secret_hash)) return { ok: false, reason: 'unknown' };
    return { ok: true, principal: { keyId: row.id, platform: row.platform, scopes: new Set(row.scopes as Scope[]) } };
  }
}

function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

function normaliseScopes(scopes: readonly string[]): Scope[] {
  const lower = [...new Set(scopes.map((s) => s.toLowerCase()))];
  if (lower.length === 0) throw new InputError(`scopes must name at least one of ${SCOPES.join(', ')}`);
  const unknown = lower.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) throw new InputError(`unknown scope(s): ${unknown.join(', ')}; use ${SCOPES.join(', ')}`);
  return SCOPES.filter((s) => lower.includes(s));
}

function toSummary(row: ApiKeyRow): ApiKeySummary {
  return {
    id: row.id,
    platform: row.platform,
    name: row.name,
    scopes: row.scopes as Scope[],
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
