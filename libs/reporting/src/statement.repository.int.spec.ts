import { sql } from 'kysely';
import type { Database } from '@ledger/database';
import { openTestDatabase } from '../../../test/support/int-database';
import type { SlaReportView } from './sla-report';
import { Statement, StatementRepository } from './statement.repository';

function report(contractId: string, period: string, uptimePercent: string): SlaReportView {
  return {
    contractId,
    contractVersion: 2,
    amendedDuringPeriod: true,
    platform: 'notion',
    provider: 'anthropic',
    policy: 'DOWNTIME_MINUTES',
    period,
    periodStart: `${period}-01T05:00:00.000Z`,
    periodEnd: `${period}-28T05:00:00.000Z`,
    final: true,
    uptimePercent,
    targetPercent: '99.9',
    met: false,
    eligibleMinutes: 40_320,
    excludedMinutes: 0,
    downtimeMinutes: 83,
    allowedDowntimeMinutes: '40.3200',
    budgetRemainingMinutes: '-42.6800',
    budgetBurn: null,
    creditPercent: '10.00',
    creditAmount: { amount: '4825.00', currency: 'USD' },
    claimDeadline: '2026-03-30T04:00:00.000Z',
    evidence: [{ start: '2026-02-03T10:00:00.000Z', end: '2026-02-03T11:23:00.000Z', minutes: 83, eligibleRequests: 9_102, failedRequests: 4_311 }],
    eventsCounted: 1_234_567,
  };
}

function statement(contractId: string, period: string, version: number, uptimePercent = '99.7942'): Statement {
  return {
    contractId,
    period,
    version,
    issuedAt: new Date(Date.parse('2026-03-03T00:00:00.000Z') + version * 60_000),
    report: report(contractId, period, uptimePercent),
    eventsCounted: 1_234_567 + version,
  };
}

describe('StatementRepository against Postgres', () => {
  let db: Database;
  const statements = new StatementRepository();
  beforeAll(async () => (db = await openTestDatabase()));
  afterAll(() => db.destroy());

  it('reads a statement back exactly: the frozen report, its issue time and the events it counted', async () => {
    const issued = statement('ctr_roundtrip', '2026-02', 1);
    await statements.insert(db, issued);

    expect(await statements.list(db, 'ctr_roundtrip')).toEqual([issued]);
  });

  it('keeps event counts beyond 32 bits', async () => {
    await statements.insert(db, { ...statement('ctr_big', '2026-02', 1), eventsCounted: 6_000_000_123 });

    expect((await statements.list(db, 'ctr_big'))[0]!.eventsCounted).toBe(6_000_000_123);
  });

  it('lists one contract\'s statements by period, then version, optionally for one period', async () => {
    for (const [period, version] of [['2026-03', 1], ['2026-01', 2], ['2026-01', 10], ['2026-01', 1], ['2025-12', 1]] as const) {
      await statements.insert(db, statement('ctr_listed', period, version));
    }
    await statements.insert(db, statement('ctr_other', '2026-01', 3));

    const listed = await statements.list(db, 'ctr_listed');
    expect(listed.map((s) => [s.period, s.version])).toEqual([['2025-12', 1], ['2026-01', 1], ['2026-01', 2], ['2026-01', 10], ['2026-03', 1]]);
    expect((await statements.list(db, 'ctr_listed', '2026-01')).map((s) => s.version)).toEqual([1, 2, 10]);
    expect(await statements.list(db, 'ctr_listed', '2026-02')).toEqual([]);
  });

  it('finds the latest version of every contract\'s statement for a period, and only that period', async () => {
    const period = '2027-05';
    await statements.insert(db, statement('ctr_latest_a', period, 1, '99.1'));
    await statements.insert(db, statement('ctr_latest_a', period, 9, '99.9'));
    await statements.insert(db, statement('ctr_latest_a', period, 10, '99.10')); // 10 > 9 as numbers, not as text
    await statements.insert(db, statement('ctr_latest_a', '2027-06', 11, '50'));
    await statements.insert(db, statement('ctr_latest_b', period, 1, '100'));
    await statements.insert(db, statement('ctr_latest_c', '2027-04', 1, '98'));

    const latest = await statements.latestForPeriod(db, period);
    expect([...latest.keys()].sort()).toEqual(['ctr_latest_a', 'ctr_latest_b']);
    expect(latest.get('ctr_latest_a')).toMatchObject({ version: 10, report: { uptimePercent: '99.10' } });
    expect(latest.get('ctr_latest_b')).toMatchObject({ version: 1, report: { uptimePercent: '100' } });
  });

  it('has no statements for a period nobody issued', async () => {
    expect((await statements.latestForPeriod(db, '1999-01')).size).toBe(0);
  });

  it('refuses a second statement with the same version (concurrent issuers must not both win)', async () => {
    await statements.insert(db, statement('ctr_clash', '2026-02', 1, '99.5'));

    await expect(statements.insert(db, statement('ctr_clash', '2026-02', 1, '12.3'))).rejects.toMatchObject({ code: '23505' });
    expect((await statements.list(db, 'ctr_clash')).map((s) => s.report.uptimePercent)).toEqual(['99.5']);
  });

  describe('once issued', () => {
    const frozen = statement('ctr_frozen', '2026-02', 1);
    beforeAll(() => statements.insert(db, frozen));

    it.each([
      ['UPDATE', sql`UPDATE statements SET events_counted = 0 WHERE contract_id = 'ctr_frozen'`],
      ['DELETE', sql`DELETE FROM statements WHERE contract_id = 'ctr_frozen'`],
      ['TRUNCATE', sql`TRUNCATE statements`],
    ])('a statement never changes (%s is refused)', async (_, rewrite) => {
      await expect(rewrite.execute(db)).rejects.toMatchObject({ code: '23001' });
      expect(await statements.list(db, 'ctr_frozen')).toEqual([frozen]);
    });
  });
});
