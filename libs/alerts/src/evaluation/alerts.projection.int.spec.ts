import { sql } from 'kysely';
import { contractTerms, OutcomeEvent, seededRandom } from '@ledger/domain';
import type { Database } from '@ledger/database';
import { OutcomeEventRepository, OutcomeLogReader } from '@ledger/event-store';
import { CheckpointRepository, createTimelineProjection, ProjectionRunner, TIMELINE_PROJECTION } from '@ledger/projections';
import { ContractRepository } from '@ledger/reporting';
import { openTestDatabase } from '../../../../test/support/int-database';
import { AlertRuleRepository, AlertRule } from '../rules/alert-rule.repository';
import { ALERTS_PROJECTION, createAlertsProjection } from './alerts.projection';

const MINUTE = 60_000;
const START = Date.UTC(2026, 7, 3, 6);
const HOURS = 8;

/**
 * Traffic of two platforms to one provider's two models, minute by minute, with outages and a
 * burning spell at random, from a seed: 6 requests a minute per platform and model.
 */
function traffic(seed: number): { platform: string; event: OutcomeEvent }[] {
  const random = seededRandom(seed);
  const failureRate = new Map<string, number>();
  const out: { platform: string; event: OutcomeEvent }[] = [];
  for (let minute = 0; minute < HOURS * 60; minute++) {
    for (const model of ['m1', 'm2']) {
      // Regimes change now and then: healthy, burning (a few %), an outage (most requests fail).
      if (minute === 0 || random() < 0.04) {
        const roll = random();
        failureRate.set(model, roll < 0.6 ? 0 : roll < 0.8 ? 0.05 : 0.8);
      }
      for (const platform of ['notion', 'acme']) {
        for (let i = 0; i < 6; i++) {
          const fails = random() < failureRate.get(model)!;
          const at = START + minute * MINUTE + Math.floor(random() * MINUTE);
          out.push({
            platform,
            event: {
              id: `${seed}-${platform}-${model}-${minute}-${i}`, provider: `p${seed}`, model, occurredAt: at, occurredAtIso: new Date(at).toISOString(),
              outcome: fails ? (random() < 0.8 ? 'error' : 'timeout') : 'success', httpStatus: fails ? 529 : 200, errorCode: null, latencyMs: 500, ttftMs: null,
            },
          });
        }
      }
    }
  }
  return out;
}

describe('the alerts projection', () => {
  let db: Database;
  beforeAll(async () => (db = await openTestDatabase()));
  afterAll(() => db.destroy());

  const rule = (id: string, settings: Partial<AlertRule>): AlertRule => ({
    id, name: id, kind: 'MODEL_STATUS', provider: null, model: null, platform: null, contractId: null, minSeverity: 'degraded', forMinutes: 2,
    webhookUrl: 'https://hooks.example.com/x', format: 'JSON', enabled: true, secretSealed: 'v1:unused', version: 1,
    createdAt: new Date(0), updatedAt: new Date(0), deletedAt: null, ...settings,
  });

  it.each([11, 23, 37])('ends with the alerts a replay gives, whatever the batches and however late the events came (seed %i)', async (seed) => {
    const provider = `p${seed}`;
    const contracts = new ContractRepository();
    for (const [id, platform, policy, target] of [[`ctr_ratio_${seed}`, 'notion', 'REQUEST_SUCCESS_RATIO', '99'], [`ctr_down_${seed}`, 'acme', 'DOWNTIME_MINUTES', '99.5']] as const) {
      const terms = contractTerms({
        platform, provider, targetPercent: target, policy: { kind: policy }, creditTiers: [{ uptimeBelow: target, creditPercent: '10' }],
        monthlyFee: { amount: '100.00', currency: 'USD' }, claimWindowDays: 30, effectiveFrom: '2026-01-01T00:00:00Z',
      });
      await contracts.insert(db, { id, version: 1, terms, inForceFrom: terms.effectiveFrom, recordedAt: new Date() });
    }
    const rules = new AlertRuleRepository();
    for (const r of [
      rule(`r_each_model_${seed}`, { provider }),
      rule(`r_m1_notion_${seed}`, { provider, model: 'm1', platform: 'notion', minSeverity: 'major_outage', forMinutes: 3 }),
      rule(`r_ratio_${seed}`, { kind: 'BURN_RATE', contractId: `ctr_ratio_${seed}`, minSeverity: 'TICKET', forMinutes: 1 }),
      rule(`r_down_${seed}`, { kind: 'BURN_RATE', contractId: `ctr_down_${seed}`, minSeverity: 'PAGE', forMinutes: 1 }),
    ]) await rules.save(db, r);

    const runner = new ProjectionRunner(db, new OutcomeLogReader(), new CheckpointRepository(), [createTimelineProjection(), createAlertsProjection()]);
    const log = new OutcomeEventRepository(db);
    // Posted in chunks of about ten minutes, in time order, except that one chunk in four is held
    // back and posted some chunks later (late events); the projections step in small batches between posts.
    const random = seededRandom(seed * 7);
    const events = traffic(seed);
    const chunks: typeof events[] = [];
    for (let i = 0; i < events.length; i += 240) chunks.push(events.slice(i, i + 240));
    const held: typeof events[] = [];
    for (const [k, chunk] of chunks.entries()) {
      if (random() < 0.25) held.push(chunk);
      else await post(chunk);
      if (held.length > 0 && (random() < 0.3 || k === chunks.length - 1)) for (const late of held.splice(0)) await post(late);
      if (random() < 0.5) {
        while ((await runner.step(TIMELINE_PROJECTION, { batchSize: 100 + Math.floor(random() * 400) })).status === 'folded') {
          if (random() < 0.5) await runner.step(ALERTS_PROJECTION, { batchSize: 1 });
        }
      }
    }
    await runner.catchUp(TIMELINE_PROJECTION, { batchSize: 1_000, wait: true });
    await runner.catchUp(ALERTS_PROJECTION, { batchSize: 1_000, wait: true });

    const incremental = await alertRows();
    // Every rule has something to show, so the comparison below compares something.
    const rulesWithAlerts = new Set(incremental.filter((a) => a.rule_id.endsWith(`_${seed}`)).map((a) => a.rule_id));
    expect([...rulesWithAlerts].sort()).toEqual([`r_down_${seed}`, `r_each_model_${seed}`, `r_m1_notion_${seed}`, `r_ratio_${seed}`]);
    await runner.rebuild();
    expect(await alertRows()).toEqual(incremental);

    async function post(chunk: typeof events) {
      for (const platform of ['notion', 'acme']) await log.append(platform, chunk.filter((e) => e.platform === platform).map((e) => e.event));
    }
  });

  async function alertRows() {
    return (await sql<{ id: string; rule_id: string }>`SELECT * FROM alerts ORDER BY id`.execute(db)).rows;
  }
});
