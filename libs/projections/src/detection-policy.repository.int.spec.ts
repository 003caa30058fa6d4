import { sql } from 'kysely';
import { DEFAULT_DETECTION_POLICY, DetectionPolicy } from '@ledger/domain';
import type { Database } from '@ledger/database';
import { openTestDatabase } from '../../../test/support/int-database';
import { DetectionPolicyRepository, PolicyOverride } from './detection-policy.repository';

const STRICT: DetectionPolicy = { minSamples: 20, degradedAt: '0.01', partialAt: '0.1', majorAt: '0.5', mergeGapMinutes: 5, liveWindowMinutes: 10 };
const LOOSE: DetectionPolicy = { minSamples: 3, degradedAt: '0.125', partialAt: '0.333333333', majorAt: '0.9', mergeGapMinutes: 0, liveWindowMinutes: 1 };

describe('DetectionPolicyRepository against Postgres', () => {
  let db: Database;
  const policies = new DetectionPolicyRepository();
  beforeAll(async () => (db = await openTestDatabase()));
  afterAll(() => db.destroy());

  const save = (override: PolicyOverride, at = new Date('2026-06-01T12:00:00.000Z')) => policies.save(db, override, at);

  it('answers the defaults for a provider and model without overrides', async () => {
    const loaded = await policies.load(db);

    expect(loaded.forProvider('no-overrides')).toEqual(DEFAULT_DETECTION_POLICY);
    expect(loaded.forModel('no-overrides', 'any-model')).toEqual(DEFAULT_DETECTION_POLICY);
  });

  it('applies a provider-wide override to every model of that provider only', async () => {
    await save({ provider: 'provider-wide', model: null, ...STRICT });

    const loaded = await policies.load(db);
    expect(loaded.forProvider('provider-wide')).toEqual({ provider: 'provider-wide', model: null, ...STRICT });
    expect(loaded.forModel('provider-wide', 'claude-opus-4-7')).toEqual({ provider: 'provider-wide', model: null, ...STRICT });
    expect(loaded.forModel('provider-wide-not', 'claude-opus-4-7')).toEqual(DEFAULT_DETECTION_POLICY);
  });

  it('stores the provider-wide override under the model \'\' (the key is (provider, model), so null could not be unique)', async () => {
    await save({ provider: 'stored-as-empty', model: null, ...STRICT });

    const { rows } = await sql<{ model: string }>`SELECT model FROM detection_policies WHERE provider = 'stored-as-empty'`.execute(db);
    expect(rows).toEqual([{ model: '' }]);
  });

  it('lets a model\'s override win over its provider\'s, which still applies to the other models', async () => {
    await save({ provider: 'layered', model: null, ...STRICT });
    await save({ provider: 'layered', model: 'gpt-5', ...LOOSE });

    const loaded = await policies.load(db);
    expect(loaded.forModel('layered', 'gpt-5')).toEqual({ provider: 'layered', model: 'gpt-5', ...LOOSE });
    expect(loaded.forModel('layered', 'gpt-5-mini')).toMatchObject(STRICT);
    expect(loaded.forProvider('layered')).toMatchObject(STRICT);
  });

  it('replaces an override saved again for the same provider and model, keeping one row', async () => {
    await save({ provider: 'replaced', model: 'm-1', ...STRICT }, new Date('2026-06-01T00:00:00.000Z'));
    await save({ provider: 'replaced', model: 'm-1', ...LOOSE }, new Date('2026-06-02T00:00:00.000Z'));

    expect((await policies.load(db)).forModel('replaced', 'm-1')).toMatchObject(LOOSE);
    const { rows } = await sql<{ updated_at: Date }>`SELECT updated_at FROM detection_policies WHERE provider = 'replaced'`.execute(db);
    expect(rows).toEqual([{ updated_at: new Date('2026-06-02T00:00:00.000Z') }]);
  });

  it('keeps thresholds as the exact decimal strings given, never as binary floats', async () => {
    const exact = { minSamples: 1, degradedAt: '0.1', partialAt: '0.300000001', majorAt: '0.999999999', mergeGapMinutes: 60, liveWindowMinutes: 60 };
    await save({ provider: 'decimals', model: null, ...exact });

    expect((await policies.load(db)).forProvider('decimals')).toEqual({ provider: 'decimals', model: null, ...exact });
  });

  it('tells whether the overrides changed between two loads (what a rebuild checks)', async () => {
    const before = await policies.load(db);
    expect(before.sameAs(await policies.load(db))).toBe(true);

    await save({ provider: 'changed-meanwhile', model: null, ...STRICT });
    expect(before.sameAs(await policies.load(db))).toBe(false);
  });
});
