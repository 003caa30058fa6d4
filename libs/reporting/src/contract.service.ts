import { randomBytes } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { contractTerms, ContractInput, ContractTerms, InputError, isSlug, MODEL_PATTERN, parseRfc3339 } from '@ledger/domain';
import { Database, InjectDatabase, InjectReadDatabase } from '@ledger/database';
import { AdminEventRepository } from '@ledger/event-store';
import { ContractRepository, ContractVersion } from './contract.repository';
import { MaintenanceRepository, MaintenanceWindow } from './maintenance.repository';

export interface MaintenanceInput {
  provider: string;
  models?: string[] | null;
  start: string;
  end: string;
  reason: string;
}

/**
 * Contracts and maintenance windows: each change an admin event plus its read-model row, in one
 * transaction, on the primary. The `contracts` query's reads (`list`, `versions`) go to the read
 * database (a replica when DATABASE_READ_URL is set); a change reads what it amends from the primary.
 */
@Injectable()
export class ContractService {
  private readonly read: Database;

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly contracts: ContractRepository,
    private readonly maintenance: MaintenanceRepository,
    private readonly adminEvents: AdminEventRepository,
    /** Where queries read; the primary when omitted. */
    @Optional() @InjectReadDatabase() readDb?: Database,
  ) {
    this.read = readDb ?? db;
  }

  async define(input: ContractInput, actor: string | null, now = new Date()): Promise<ContractVersion> {
    const terms = contractTerms(input);
    await this.requirePlatform(terms.platform);
    const version: ContractVersion = { id: `ctr_${randomBytes(8).toString('hex')}`, version: 1, terms, inForceFrom: terms.effectiveFrom, recordedAt: now };
    await this.record('ContractDefined', version, actor);
    return version;
  }

  /** New terms from an instant on; a period is evaluated with the terms in force at its end. */
  async amend(id: string, input: ContractInput, effectiveFrom: string, actor: string | null, now = new Date()): Promise<ContractVersion> {
    const latest = await this.latest(id);
    const terms = contractTerms(input);
    if (terms.platform !== latest.terms.platform || terms.provider !== latest.terms.provider) {
      throw new InputError('an amendment keeps the platform and provider; define a new contract for another pair');
    }
    const from = parseRfc3339(effectiveFrom);
    if (from === null) throw new InputError('effectiveFrom must be an RFC 3339 timestamp');
    const version: ContractVersion = { id, version: latest.version + 1, terms, inForceFrom: from, recordedAt: now };
    await this.record('ContractAmended', version, actor);
    return version;
  }

  async end(id: string, effectiveTo: string, actor: string | null, now = new Date()): Promise<ContractVersion> {
    const latest = await this.latest(id);
    const to = parseRfc3339(effectiveTo);
    if (to === null) throw new InputError('effectiveTo must be an RFC 3339 timestamp');
    if (to <= latest.terms.effectiveFrom) throw new InputError('effectiveTo must be after the contract\'s effectiveFrom');
    const terms: ContractTerms = { ...latest.terms, effectiveTo: to };
    const version: ContractVersion = { id, version: latest.version + 1, terms, inForceFrom: to, recordedAt: now };
    await this.record('ContractEnded', version, actor);
    return version;
  }

  async declareMaintenance(input: MaintenanceInput, actor: string | null, now = new Date()): Promise<MaintenanceWindow> {
    const problems: string[] = [];
    if (!isSlug(input.provider)) problems.push('provider must be a lowercase slug');
    const models = [...new Set(input.models ?? [])].sort();
    for (const m of models) if (!MODEL_PATTERN.test(m)) problems.push(`model "${m}" is not a lowercase slug`);
    const start = parseRfc3339(input.start);
    const end = parseRfc3339(input.end);
    if (start === null || end === null) problems.push('start and end must be RFC 3339 timestamps');
    else if (end <= start) problems.push('end must be after start');
    if (input.reason.trim() === '' || input.reason.length > 1_000) problems.push('reason must be 1 to 1,000 characters');
    if (problems.length > 0) throw new InputError(problems.join('; '));
    const window: MaintenanceWindow = {
      id: `mnt_${randomBytes(8).toString('hex')}`, provider: input.provider, models, start: new Date(start!), end: new Date(end!), reason: input.reason, declaredAt: now,
    };
    await this.db.transaction().execute(async (trx) => {
      await this.adminEvents.append(trx, { type: 'MaintenanceDeclared', data: { ...window }, actor });
      await this.maintenance.insert(trx, window);
    });
    return window;
  }

  /** The latest version of every contract matching the filter (from the read database). */
  async list(filter: { platform?: string | undefined; provider?: string | undefined }): Promise<ContractVersion[]> {
    return [...(await this.contracts.list(this.read, filter)).values()].map((versions) => versions.at(-1)!);
  }

  /** Every version of a contract (from the read database, unless `db` says otherwise). */
  async versions(id: string, db: Database = this.read): Promise<ContractVersion[]> {
    const versions = await this.contracts.versions(db, id);
    if (versions.length === 0) throw new InputError(`no contract ${id}`);
    return versions;
  }

  /** The version a change builds on: from the primary, never from a replica that may lag. */
  private async latest(id: string): Promise<ContractVersion> {
    return (await this.versions(id, this.db)).at(-1)!;
  }

  private async record(type: string, version: ContractVersion, actor: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.adminEvents.append(trx, {
        type,
        data: { id: version.id, version: version.version, inForceFrom: new Date(version.inForceFrom).toISOString(), terms: version.terms },
        actor,
      });
      await this.contracts.insert(trx, version);
    });
  }

  /** A contract must name a platform that exists (has a key), so a typo cannot create a contract no traffic will ever match. */
  private async requirePlatform(platform: string): Promise<void> {
    const key = await this.db.selectFrom('api_keys').select('id').where('platform', '=', platform).limit(1).executeTakeFirst();
    if (key === undefined) throw new InputError(`no API key belongs to platform "${platform}": create the platform's key first`);
  }
}
