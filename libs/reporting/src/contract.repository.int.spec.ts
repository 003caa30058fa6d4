import { sql } from 'kysely';
import { contractTerms, ContractInput } from '@ledger/domain';
import type { Database } from '@ledger/database';
import { openTestDatabase } from '../../../test/support/int-database';
import { ContractRepository, ContractVersion } from './contract.repository';

const TERMS: ContractInput = {
  platform: 'notion',
  provider: 'anthropic',
  models: ['claude-opus-4-8', 'claude-opus-4-7'],
  timeZone: 'America/New_York',
  targetPercent: '99.950',
  policy: { kind: 'DOWNTIME_MINUTES', errorRateThreshold: '0.050', minSamples: 3 },
  countRateLimited: true,
  creditTiers: [{ uptimeBelow: '99.95', creditPercent: '10' }, { uptimeBelow: '99.0', creditPercent: '25.5' }],
  monthlyFee: { amount: '48250.00', currency: 'USD' },
  claimWindowDays: 45,
  effectiveFrom: '2026-01-01T05:00:00.250Z',
};

function version(id: string, number: number, overrides: Partial<ContractInput> = {}, inForceFrom?: string): ContractVersion {
  const terms = contractTerms({ ...TERMS, ...overrides });
  return {
    id,
    version: number,
    terms,
    inForceFrom: inForceFrom === undefined ? terms.effectiveFrom : Date.parse(inForceFrom),
    recordedAt: new Date(Date.parse('2026-06-01T00:00:00.000Z') + number * 1_000),
  };
}

describe('ContractRepository against Postgres', () => {
  let db: Database;
  const contracts = new ContractRepository();
  beforeAll(async () => (db = await openTestDatabase()));
  afterAll(() => db.destroy());

  it('reads back every term of a version as it was given: decimal strings, tier order, instants to the millisecond', async () => {
    const open = version('ctr_roundtrip', 1);
    const ended = version('ctr_roundtrip', 2, { effectiveTo: '2026-12-31T23:59:59.999Z' }, '2026-12-31T23:59:59.999Z');
    await contracts.insert(db, open);
    await contracts.insert(db, ended);

    const versions = await contracts.versions(db, 'ctr_roundtrip');
    expect(versions).toEqual([open, ended]);
    expect(versions[0]!.terms).toMatchObject({ targetPercent: '99.950', effectiveTo: null, creditTiers: [{ uptimeBelow: '99.95' }, { uptimeBelow: '99.0' }] });
    expect(versions[1]!.terms.effectiveTo).toBe(Date.parse('2026-12-31T23:59:59.999Z'));
  });

  it('stores the instants as ISO strings inside the terms and the pair as columns (what filters use)', async () => {
    await contracts.insert(db, version('ctr_stored', 1, { platform: 'stored-platform' }));

    const { rows } = await sql<{ platform: string; provider: string; effective_from: string; effective_to: unknown }>`
      SELECT platform, provider, terms->>'effectiveFrom' AS effective_from, terms->'effectiveTo' AS effective_to
      FROM contracts WHERE id = 'ctr_stored'`.execute(db);
    expect(rows).toEqual([{ platform: 'stored-platform', provider: 'anthropic', effective_from: '2026-01-01T05:00:00.250Z', effective_to: null }]);
  });

  it('gives the versions of a contract oldest first, by number rather than as text', async () => {
    for (const n of [10, 2, 1, 9]) await contracts.insert(db, version('ctr_ordered', n, { claimWindowDays: n }));

    expect((await contracts.versions(db, 'ctr_ordered')).map((v) => [v.version, v.terms.claimWindowDays])).toEqual([
      [1, 1], [2, 2], [9, 9], [10, 10],
    ]);
  });

  it('refuses a second row for the same contract version and keeps the first', async () => {
    await contracts.insert(db, version('ctr_clash', 1, { targetPercent: '99.9' }));

    await expect(contracts.insert(db, version('ctr_clash', 1, { targetPercent: '95' }))).rejects.toMatchObject({ code: '23505' });
    expect((await contracts.versions(db, 'ctr_clash')).map((v) => v.terms.targetPercent)).toEqual(['99.9']);
  });

  it('has no versions for an unknown contract', async () => {
    expect(await contracts.versions(db, 'ctr_unknown')).toEqual([]);
  });

  describe('list', () => {
    beforeAll(async () => {
      await contracts.insert(db, version('ctr_list_b', 1, { platform: 'list-acme', provider: 'openai' }));
      await contracts.insert(db, version('ctr_list_a', 2, { platform: 'list-acme', provider: 'anthropic' }, '2026-03-01T00:00:00Z'));
      await contracts.insert(db, version('ctr_list_a', 1, { platform: 'list-acme', provider: 'anthropic' }));
      await contracts.insert(db, version('ctr_list_c', 1, { platform: 'list-globex', provider: 'anthropic' }));
    });
    const summary = (byId: Map<string, ContractVersion[]>) =>
      [...byId].filter(([id]) => id.startsWith('ctr_list_')).map(([id, versions]) => [id, versions.map((v) => v.version)]);

    it('groups every version by contract, contracts by id and versions oldest first', async () => {
      const all = await contracts.list(db, {});
      expect(summary(all)).toEqual([['ctr_list_a', [1, 2]], ['ctr_list_b', [1]], ['ctr_list_c', [1]]]);
      expect(all.get('ctr_list_a')![1]!.inForceFrom).toBe(Date.parse('2026-03-01T00:00:00Z'));
    });

    it('filters by platform, by provider, and by both', async () => {
      expect(summary(await contracts.list(db, { platform: 'list-acme' }))).toEqual([['ctr_list_a', [1, 2]], ['ctr_list_b', [1]]]);
      expect(summary(await contracts.list(db, { provider: 'anthropic' }))).toEqual([['ctr_list_a', [1, 2]], ['ctr_list_c', [1]]]);
      expect(summary(await contracts.list(db, { platform: 'list-acme', provider: 'openai' }))).toEqual([['ctr_list_b', [1]]]);
      expect((await contracts.list(db, { platform: 'list-nobody' })).size).toBe(0);
    });

    it('treats an undefined filter field as no filter', async () => {
      expect(summary(await contracts.list(db, { platform: undefined, provider: 'openai' }))).toEqual([['ctr_list_b', [1]]]);
    });
  });
});
