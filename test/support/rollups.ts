import { sql } from 'kysely';
import type { Database } from '@ledger/database';

/**
 * Rollup counts and raw-log counts per (provider, model, platform, minute, outcome), as two
 * sorted lists of comparable text: equal lists mean every rollup count equals a count over the raw log.
 */
export async function rollupsVersusLog(db: Database): Promise<{ rollups: string[]; log: string[] }> {
  const rollups = await sql<{ key: string }>`
    SELECT concat_ws('/', provider, model, platform, minute, 'success', successes, 'error', errors, 'timeout', timeouts,
                     'rate_limited', rate_limited, 'client_error', client_errors) AS key
    FROM minute_rollups ORDER BY 1`.execute(db);
  const log = await sql<{ key: string }>`
    SELECT concat_ws('/', provider, model, platform, date_trunc('minute', occurred_at),
      'success', count(*) FILTER (WHERE outcome = 'success'), 'error', count(*) FILTER (WHERE outcome = 'error'),
      'timeout', count(*) FILTER (WHERE outcome = 'timeout'), 'rate_limited', count(*) FILTER (WHERE outcome = 'rate_limited'),
      'client_error', count(*) FILTER (WHERE outcome = 'client_error')) AS key
    FROM outcome_events GROUP BY provider, model, platform, date_trunc('minute', occurred_at) ORDER BY 1`.execute(db);
  return { rollups: rollups.rows.map((r) => r.key), log: log.rows.map((r) => r.key) };
}
