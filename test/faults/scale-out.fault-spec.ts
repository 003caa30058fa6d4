import { cpus, loadavg } from 'node:os';
import { sql } from 'kysely';
import { createDatabase } from '@ledger/database';
import { hourRollupsVersusMinutes, rollupsVersusLog } from '../support/rollups';
import { percentile, ServiceProcess, sleep, stopAll } from '../support/service-process';
import { createTestDatabase } from '../support/test-database';
import { waitForProjections } from '../support/test-service';
import { waitFor } from '../support/wait';

const BATCHES = 200;
const NEW_PER_BATCH = 5_000;
/** Each batch also re-sends 100 events of another batch (2 % of the million). */
const RESENT_PER_BATCH = 100;
const CLIENTS = 8;
const TOTAL = BATCHES * NEW_PER_BATCH;
const PLATFORMS = ['notion', 'acme-wiki'];
const MODELS = [
  ['anthropic', 'claude-opus-4-7'], ['anthropic', 'claude-sonnet-4-6'], ['openai', 'gpt-5'],
  ['openai', 'gpt-5-mini'], ['google', 'gemini-3-pro'], ['google', 'gemini-3-flash'],
] as const;
const OUTCOMES = [
  ['success', 200], ['success', 200], ['success', 200], ['success', 200], ['error', 529], ['timeout', null], ['rate_limited', 429], ['client_error', 400],
] as const;
const START = Date.UTC(2026, 5, 7);

/** Event i of batch b: deterministic, so a retry or a re-send carries exactly the same content. */
function event(b: number, i: number): Record<string, unknown> {
  const n = b * NEW_PER_BATCH + i;
  const [provider, model] = MODELS[n % MODELS.length]!;
  const [outcome, httpStatus] = OUTCOMES[(n >> 3) % OUTCOMES.length]!;
  return {
    id: `f-${b}-${i}`, provider, model, outcome, httpStatus,
    occurredAt: new Date(START + n * 60).toISOString(), // a million events over ~17 hours
    latencyMs: 80 + (n % 1_900),
    ...(outcome === 'success' ? { ttftMs: 40 + (n % 400) } : {}),
  };
}

/** Batch b: its own 5,000 new events plus 100 of batch b ± 8 (same platform; maybe in flight on another client). */
function batchBody(b: number): string {
  const other = b >= 8 ? b - 8 : b + 8;
  const events = Array.from({ length: NEW_PER_BATCH }, (_, i) => event(b, i));
  for (let k = 0; k < RESENT_PER_BATCH; k++) events.push(event(other, (k * 37 + b) % NEW_PER_BATCH));
  return JSON.stringify({ events });
}

/**
 * Scale-out under faults: two API processes and two workers on one Postgres; 8 clients post a
 * million events (plus 2 % re-sent) while one worker is SIGKILLed and restarted and one API
 * process is SIGKILLed and restarted. Clients retry failed batches on either API process.
 * Afterwards the log holds each event exactly once and every rollup count equals a count
 * over the raw log. Prints the sustained throughput and the ingest latency the two API
 * processes held (faults included).
 */
describe('two API processes and two workers under faults', () => {
  it('stores a million events exactly once and projects them exactly, through a worker crash and an API crash', async () => {
    const databaseUrl = await createTestDatabase();
    const env = { DATABASE_URL: databaseUrl };
    const apis = [new ServiceProcess('api-1', { ...env, ROLE: 'api' }), new ServiceProcess('api-2', { ...env, ROLE: 'api' })];
    const workers = [new ServiceProcess('worker-1', { ...env, ROLE: 'worker' }), new ServiceProcess('worker-2', { ...env, ROLE: 'worker' })];
    const db = createDatabase({ url: databaseUrl, poolSize: 2 });
    let aborted = false;
    try {
      await Promise.all([...apis, ...workers].map((p) => p.start()));
      const keys = await Promise.all(PLATFORMS.map(async (p) => (await apis[0]!.client.createKey(p, ['INGEST'])).secret));

      const statuses = new Map<string, number>();
      const latenciesMs: number[] = [];
      const final: { accepted: number; duplicates: number }[] = [];
      let acknowledged = 0;
      const answeredBy = new Map<string, number>(); // 200s per API process URL (a restart gets a new port)
      let next = 0;
      const count = (status: string) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const client = async (c: number) => {
        for (let b = next++; b < BATCHES && !aborted; b = next++) {
          const body = batchBody(b);
          for (let attempt = 0; !aborted; attempt++) {
            if (attempt === 100) throw new Error(`batch ${b} failed 100 times: ${[...statuses.entries()].join(' ')}`);
            const api = apis[(c + attempt) % apis.length]!; // a retry goes to the other process first
            const sent = performance.now();
            let status: number;
            let text: string;
            try {
              const response = await fetch(`${api.url}/v1/events`, {
                method: 'POST',
                headers: { authorization: `Bearer ${keys[b % PLATFORMS.length]}`, 'content-type': 'application/json' },
                body,
              });
              status = response.status;
              text = await response.text();
            } catch {
              count('network error');
              await sleep(Math.min(1_000, 50 * 2 ** attempt));
              continue;
            }
            count(String(status));
            if (status === 200) {
              latenciesMs.push(performance.now() - sent);
              answeredBy.set(api.url, (answeredBy.get(api.url) ?? 0) + 1);
              const result = JSON.parse(text) as { accepted: number; duplicates: number; rejected: unknown[] };
              expect(result.rejected).toEqual([]);
              final[b] = result;
              acknowledged++;
              break;
            }
            expect(status).toBeGreaterThanOrEqual(500); // only unavailability is retried
            await sleep(Math.min(1_000, 50 * 2 ** attempt));
          }
        }
      };

      const loadBefore = loadavg()[0]!;
      const started = performance.now();
      const ingest = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
      const eventsFolded = async () => {
        const { rows } = await sql<{ n: string }>`SELECT coalesce(max(events_folded), 0)::text AS n FROM projection_checkpoints WHERE name = 'timeline'`.execute(db);
        return Number(rows[0]!.n);
      };
      let foldedWhileWorkerDown = 0;
      let networkErrorsWhileApiDown = 0;
      // Each process stays down until its absence has shown (a condition, not a fixed pause):
      // the surviving worker folds on alone; a client meets the dead API process and retries.
      const faults = (async () => {
        await waitFor(() => acknowledged >= BATCHES / 4 || aborted, { what: `${BATCHES / 4} batches acknowledged`, timeoutMs: 600_000 });
        if (aborted) return;
        await workers[0]!.stop('SIGKILL');
        const foldedAtKill = await eventsFolded();
        await waitFor(async () => aborted || (await eventsFolded()) > foldedAtKill, {
          what: 'worker-2 to fold on alone after worker-1 was killed', timeoutMs: 300_000, intervalMs: 100,
        });
        if (aborted) return; // the test failed meanwhile: start nothing its cleanup would miss
        foldedWhileWorkerDown = (await eventsFolded()) - foldedAtKill;
        await workers[0]!.start();
        await waitFor(() => acknowledged >= BATCHES / 2 || aborted, { what: `${BATCHES / 2} batches acknowledged`, timeoutMs: 600_000 });
        if (aborted) return;
        const networkErrorsAtKill = statuses.get('network error') ?? 0;
        await apis[1]!.stop('SIGKILL');
        await waitFor(() => aborted || acknowledged === BATCHES || (statuses.get('network error') ?? 0) > networkErrorsAtKill, {
          what: 'a client to meet the killed API process', timeoutMs: 300_000,
        });
        if (aborted) return;
        networkErrorsWhileApiDown = (statuses.get('network error') ?? 0) - networkErrorsAtKill;
        await apis[1]!.start();
      })();
      await Promise.all([ingest, faults]);
      const ingestSeconds = (performance.now() - started) / 1000;
      const loadAfterIngest = loadavg()[0]!;
      await waitForProjections(apis[0]!.client, 600_000);
      const foldedSeconds = (performance.now() - started) / 1000;

      const accepted = final.reduce((sum, r) => sum + r.accepted, 0);
      const duplicates = final.reduce((sum, r) => sum + r.duplicates, 0);
      console.log(
        [
          `scale-out: ${TOTAL.toLocaleString('en')} events (+${(BATCHES * RESENT_PER_BATCH).toLocaleString('en')} re-sent) in ${BATCHES} batches ` +
            `by ${CLIENTS} clients over 2 API processes, with a worker and an API process SIGKILLed and restarted`,
          `  sustained ingest: ${Math.round(TOTAL / ingestSeconds).toLocaleString('en')} events/s (${ingestSeconds.toFixed(1)} s)`,
          `  batch latency (200s): p50 ${percentile(latenciesMs, 50).toFixed(0)} ms, p99 ${percentile(latenciesMs, 99).toFixed(0)} ms, max ${percentile(latenciesMs, 100).toFixed(0)} ms`,
          `  answers: ${[...statuses.entries()].map(([s, n]) => `${s} ×${n}`).join(', ')}; 200s per API port: ${[...answeredBy.entries()].map(([url, n]) => `${new URL(url).port} ×${n}`).join(', ')} (api-2 restarted on a new port)`,
          `  accepted ${accepted.toLocaleString('en')}, duplicates ${duplicates.toLocaleString('en')} (batches committed before their answer was lost count as duplicates on retry)`,
          `  projections caught up ${foldedSeconds.toFixed(1)} s after the start`,
          `  machine load (1-minute average, ${cpus().length} cores): ${loadBefore.toFixed(1)} before, ${loadAfterIngest.toFixed(1)} after ingest`,
        ].join('\n'),
      );

      // Each fault showed while it lasted: the other worker folded on, and a client met the dead API process.
      expect(foldedWhileWorkerDown).toBeGreaterThan(0);
      expect(networkErrorsWhileApiDown).toBeGreaterThan(0);
      // The restarted API process took its share of the traffic again.
      expect(answeredBy.size).toBe(3);
      expect(answeredBy.get(apis[1]!.url) ?? 0).toBeGreaterThan(0);
      // Every batch acknowledged once, whole: its new events accepted or (on a retry after a lost answer) duplicates.
      expect(final.filter(Boolean)).toHaveLength(BATCHES);
      for (const r of final) expect(r.accepted + r.duplicates).toBe(NEW_PER_BATCH + RESENT_PER_BATCH);
      expect(accepted).toBeLessThanOrEqual(TOTAL);
      expect(duplicates).toBeGreaterThanOrEqual(BATCHES * RESENT_PER_BATCH);
      // The log: each event exactly once, on its own platform, and nothing else.
      const { rows } = await sql<{ total: string; distinct_ids: string; expected: string }>`
        SELECT count(*)::text AS total,
               count(DISTINCT (platform, event_id))::text AS distinct_ids,
               count(*) FILTER (WHERE event_id ~ '^f-[0-9]+-[0-9]+$'
                 AND split_part(event_id, '-', 2)::int < ${BATCHES} AND split_part(event_id, '-', 3)::int < ${NEW_PER_BATCH}
                 AND platform = (ARRAY[${PLATFORMS[0]}, ${PLATFORMS[1]}])[split_part(event_id, '-', 2)::int % 2 + 1])::text AS expected
        FROM outcome_events`.execute(db);
      expect(rows[0]).toEqual({ total: String(TOTAL), distinct_ids: String(TOTAL), expected: String(TOTAL) });
      // The read models: every rollup count equals a count over the raw log.
      const { rollups, log } = await rollupsVersusLog(db);
      expect(rollups.length).toBeGreaterThan(5_000); // ~17 hours of minutes × 6 models
      expect(rollups).toEqual(log);
      const { hours, fromMinutes } = await hourRollupsVersusMinutes(db);
      expect(hours).toEqual(fromMinutes);
    } finally {
      aborted = true;
      await db.destroy();
      await stopAll([...apis, ...workers]);
    }
  }, 900_000);
});
