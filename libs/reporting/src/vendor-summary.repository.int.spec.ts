import { sql } from 'kysely';
import type { Database } from '@ledger/database';
import { openTestDatabase } from '../../../test/support/int-database';
import { HOUR } from './window-plan';
import { VendorSummaryRepository } from './vendor-summary.repository';
import { WindowAccumulator } from './vendor-window';

describe('VendorSummaryRepository.write', () => {
  let db: Database;
  const summaries = new VendorSummaryRepository();
  beforeAll(async () => (db = await openTestDatabase()));
  afterAll(() => db.destroy());

  /** One hour row of a model on a platform, its counts and sketch told apart by `n`. */
  function row(n: number, successes: number) {
    const acc = new WindowAccumulator('openai', `model-${n}`);
    acc.addCounts({ successes, errors: n % 3, timeouts: 0, rate_limited: 0, client_errors: 0 });
    acc.mix.add(n % 3, successes + (n % 3), 1);
    return { ...acc.toSummaryRow('acme'), start: new Date(Date.UTC(2026, 9, 1, n % 24)) };
  }

  it('writes rows over several statements, all of them, and updates those that exist', async () => {
    // More rows than one statement takes, so that they go in several.
    const rows = Array.from({ length: 1_111 }, (_, n) => row(n, 10));
    await summaries.write(db, HOUR, rows);
    await summaries.write(db, HOUR, rows.slice(0, 600).map((r, n) => ({ ...row(n, 20), start: r.start })));
    const { rows: stored } = await sql<{ n: number; successes: string }>`
      SELECT count(*)::int AS n, sum(successes)::text AS successes FROM vendor_summaries WHERE platform = 'acme' AND span_minutes = ${HOUR}`.execute(db);
    expect(stored[0]).toEqual({ n: 1_111, successes: String(600 * 20 + 511 * 10) });
    const written = await summaries.rowsOf(db, HOUR, new Date(Date.UTC(2026, 9, 1)), new Date(Date.UTC(2026, 9, 2)));
    const model7 = written.find((r) => r.model === 'model-7')!;
    expect(model7).toMatchObject({ successes: 20, errors: 1, minute_mix: row(7, 20).minute_mix });
  });
});
