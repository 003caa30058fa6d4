import { sql } from 'kysely';
import type { Database } from '@ledger/database';
import { HourRollupRepository } from '@ledger/projections';

/** Sums hour_rollups again from minute_rollups, for fixtures that write minute rollups directly, as the timeline would. */
export async function sumHourRollups(db: Database): Promise<void> {
  await sql`TRUNCATE hour_rollups`.execute(db);
  await new HourRollupRepository().sumAllFromMinutes(db);
}

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

/** ceil(10⁹ × failures / (successes + failures)), 0 without either: the peak of one minute row. */
function peakPpb(successes: number, failures: number): bigint {
  const eligible = BigInt(successes + failures);
  return eligible === 0n ? 0n : (BigInt(failures) * 1_000_000_000n + eligible - 1n) / eligible;
}

/**
 * hour_rollups as stored, and as summed here from minute_rollups (in TypeScript, not the
 * projection's SQL), as two sorted lists of comparable text: equal lists mean every hour row is
 * its minutes' sum.
 */
export async function hourRollupsVersusMinutes(db: Database): Promise<{ hours: string[]; fromMinutes: string[] }> {
  type Counts = { successes: number; errors: number; timeouts: number; rate_limited: number; client_errors: number };
  const stored = await sql<Counts & { platform: string; provider: string; model: string; hour: Date; error_statuses: Record<string, number> | null; peak_failure_ppb: bigint; peak_failure_rl_ppb: bigint }>`
    SELECT platform, provider, model, hour, successes::int, errors::int, timeouts::int, rate_limited::int, client_errors::int, error_statuses, peak_failure_ppb, peak_failure_rl_ppb
    FROM hour_rollups`.execute(db);
  const minutes = await sql<Counts & { platform: string; provider: string; model: string; minute: Date; error_statuses: Record<string, number> | null }>`
    SELECT platform, provider, model, minute, successes, errors, timeouts, rate_limited, client_errors, error_statuses FROM minute_rollups`.execute(db);
  const key = (r: { platform: string; provider: string; model: string }, hour: Date) => `${r.platform}/${r.provider}/${r.model}/${hour.toISOString()}`;
  const text = (r: Counts & { statuses: Record<string, number> | null; peak: bigint; peakRl: bigint }) => {
    const statuses = r.statuses === null ? 'null' : Object.keys(r.statuses).sort().map((k) => `${k}:${Number(r.statuses![k])}`).join(',');
    return `${r.successes}/${r.errors}/${r.timeouts}/${r.rate_limited}/${r.client_errors}/${statuses}/${r.peak}/${r.peakRl}`;
  };
  const summed = new Map<string, Counts & { statuses: Record<string, number> | null; peak: bigint; peakRl: bigint }>();
  for (const m of minutes.rows) {
    const hour = new Date(Math.floor(m.minute.getTime() / 3_600_000) * 3_600_000);
    const k = key(m, hour);
    const sum = summed.get(k) ?? { successes: 0, errors: 0, timeouts: 0, rate_limited: 0, client_errors: 0, statuses: null, peak: 0n, peakRl: 0n };
    sum.successes += m.successes;
    sum.errors += m.errors;
    sum.timeouts += m.timeouts;
    sum.rate_limited += m.rate_limited;
    sum.client_errors += m.client_errors;
    for (const [status, n] of Object.entries(m.error_statuses ?? {})) (sum.statuses ??= {})[status] = (sum.statuses[status] ?? 0) + n;
    const peak = peakPpb(m.successes, m.errors + m.timeouts);
    const peakRl = peakPpb(m.successes, m.errors + m.timeouts + m.rate_limited);
    if (peak > sum.peak) sum.peak = peak;
    if (peakRl > sum.peakRl) sum.peakRl = peakRl;
    summed.set(k, sum);
  }
  return {
    hours: stored.rows.map((r) => `${key(r, r.hour)}=${text({ ...r, statuses: r.error_statuses, peak: BigInt(r.peak_failure_ppb), peakRl: BigInt(r.peak_failure_rl_ppb) })}`).sort(),
    fromMinutes: [...summed].map(([k, r]) => `${k}=${text(r)}`).sort(),
  };
}
