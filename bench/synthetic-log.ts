/**
 * The benchmarks' synthetic log (bench:projections, bench:vendor), computed by Postgres from the
 * row number alone (deterministic): 30 models of 5 providers with Zipf-like traffic, 3 platforms
 * (60/30/10), ~97 % success, error bursts in ~1 % of each model's hours.
 */
import type pg from 'pg';

// 5 providers × 6 models, Zipf-like traffic shares; 3 platforms 60/30/10.
export const CATALOGUE: Record<string, string[]> = {
  anthropic: ['claude-opus-4-7', 'claude-sonnet-4-6', 'claude-haiku-4-5', 'claude-opus-4-1', 'claude-sonnet-4-5', 'claude-3-7-sonnet'],
  openai: ['gpt-5', 'gpt-5-mini', 'o4-mini', 'gpt-4.1', 'gpt-5-nano', 'gpt-4o'],
  google: ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-3-pro', 'gemini-2.5-flash-lite', 'gemini-2.0-flash', 'gemma-3-27b'],
  mistral: ['mistral-large-2', 'codestral-2', 'mistral-medium-3', 'mistral-small-3', 'devstral-medium', 'magistral-medium'],
  deepseek: ['deepseek-v3.2', 'deepseek-r1', 'deepseek-v3.1', 'deepseek-coder-v2', 'deepseek-v3', 'deepseek-r1-distill'],
};
export const MODELS = Object.entries(CATALOGUE).flatMap(([provider, models]) => models.map((model) => ({ provider, model })));
// Interleave providers in rank order so every provider has a busy model.
export const RANKED = [0, 1, 2, 3, 4, 5].flatMap((r) => [0, 1, 2, 3, 4].map((p) => MODELS[p * 6 + r]!));
export const MODEL_SLOTS = RANKED.flatMap((_, rank) => Array<number>(Math.max(1, Math.round(200 / (rank + 1) ** 0.8))).fill(rank + 1));
export const PLATFORM_SLOTS = [...Array<string>(6).fill('acme'), ...Array<string>(3).fill('globex'), 'initech'];
const BURST_PER_1024 = 10; // ≈1% of a model's hours are an error burst (50% failures)

const uniform = (seed: number) => `((hashint8extended(i, ${seed}) & 4503599627370495)::float8 / 4503599627370496)`;
/** One chunk of the synthetic log, computed by Postgres from the row number alone (deterministic). */
const GENERATE_SQL = `
INSERT INTO outcome_events (platform, event_id, provider, model, occurred_at, occurred_on, outcome, http_status, error_code, latency_ms, ttft_ms)
SELECT platform, 'e' || i, provider, model, ts, (ts AT TIME ZONE 'UTC')::date, oc::outcome,
  CASE oc WHEN 'success' THEN 200 WHEN 'error' THEN (ARRAY[500, 502, 503, 529])[1 + floor(u4 * 4)::int]
          WHEN 'rate_limited' THEN 429 WHEN 'client_error' THEN 400 END,
  CASE oc WHEN 'error' THEN 'api_error' WHEN 'timeout' THEN 'timeout' WHEN 'rate_limited' THEN 'rate_limit_error'
          WHEN 'client_error' THEN 'invalid_request_error' END,
  lat, CASE WHEN oc = 'success' AND u6 < 0.8 THEN greatest(1, round(lat * (0.08 + 0.375 * u6))::int) END
FROM (
  SELECT *, CASE oc WHEN 'success' THEN least(600000, greatest(40, round(exp(ln(1500) + 0.8 * sqrt(-2 * ln(1 - u4)) * cos(2 * pi() * u5)))))::int
                    WHEN 'error' THEN round(200 + u4 * 8000)::int WHEN 'timeout' THEN 30000 + 30000 * floor(u4 * 4)::int
                    WHEN 'rate_limited' THEN round(30 + u4 * 400)::int ELSE round(20 + u4 * 300)::int END AS lat
  FROM (
    SELECT *, CASE WHEN burst AND u3 < 0.45 THEN 'error' WHEN burst AND u3 < 0.5 THEN 'timeout'
                   WHEN u3 < 0.970 THEN 'success' WHEN u3 < 0.974 THEN 'error' WHEN u3 < 0.975 THEN 'timeout'
                   WHEN u3 < 0.990 THEN 'rate_limited' ELSE 'client_error' END AS oc
    FROM (
      SELECT i, ts, u3, u4, u5, u6, ($5::text[])[mi] AS provider, ($6::text[])[mi] AS model,
             ($7::text[])[1 + floor(u2 * cardinality($7::text[]))::int] AS platform,
             (hashint8extended(floor(extract(epoch FROM ts) / 3600)::bigint * 64 + mi, 7) & 1023) < ${BURST_PER_1024} AS burst
      FROM (
        SELECT i, $1::timestamptz + (i * $2::float8) * interval '1 millisecond' AS ts,
               ($4::int[])[1 + floor(${uniform(1)} * cardinality($4::int[]))::int] AS mi,
               ${uniform(2)} AS u2, ${uniform(3)} AS u3, ${uniform(4)} AS u4, ${uniform(5)} AS u5, ${uniform(6)} AS u6
        FROM generate_series($3::bigint, $8::bigint) AS i
      ) a
    ) b
  ) c
) d`;

/**
 * Writes events 1..`events` spread evenly over [start, end), in time order, `chunk` rows per
 * statement; `onChunk` hears how many are written so far. With `first`, only events
 * `first`..`events` (the rest of a log whose head was written before).
 */
export async function generateLog(
  client: pg.Client,
  options: { events: number; start: Date; end: Date; chunk: number; first?: number; onChunk?: (written: number) => void },
): Promise<void> {
  const step = (options.end.getTime() - options.start.getTime()) / options.events;
  // The log's day partitions for the span (ingest creates them as it sees new days).
  await client.query(`SELECT ensure_outcome_event_days(array_agg(d::date)) FROM generate_series(($1::timestamptz AT TIME ZONE 'UTC')::date, ($2::timestamptz AT TIME ZONE 'UTC')::date, interval '1 day') AS d`, [options.start, options.end]);
  for (let lo = options.first ?? 1; lo <= options.events; lo += options.chunk) {
    const hi = Math.min(options.events, lo + options.chunk - 1);
    await client.query(GENERATE_SQL, [options.start, step, lo, MODEL_SLOTS, RANKED.map((m) => m.provider), RANKED.map((m) => m.model), PLATFORM_SLOTS, hi]);
    options.onChunk?.(hi);
  }
}

/**
 * One event of the catalogue's skewed live traffic, happening now (the lag phases of
 * bench:projections and bench:alerts): a model drawn by its traffic share, the outcome by
 * `outcomeOf` from a uniform roll.
 */
export function liveEvent(id: string, outcomeOf: (roll: number) => string, latencyMs: () => number) {
  const m = RANKED[MODEL_SLOTS[Math.floor(Math.random() * MODEL_SLOTS.length)]! - 1]!;
  const outcome = outcomeOf(Math.random());
  return { id, provider: m.provider, model: m.model, occurredAt: new Date().toISOString(), outcome, latencyMs: latencyMs() };
}
