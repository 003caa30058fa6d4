import { readdirSync } from 'node:fs';
import { sql } from 'kysely';
import type { Outcome, OutcomeEvent } from '@ledger/domain';
import { createDatabase, migrateTo, migrateToLatest, migrationsFolder } from '@ledger/database';
import { OutcomeEventRepository, OutcomeLogReader } from '@ledger/event-store';
import { createEmptyDatabase } from '../../../test/support/test-database';
import { CheckpointRepository } from './checkpoint.repository';
import { ProjectionRunner } from './projection-runner';
import { TIMELINE_PROJECTION } from './checkpoint.repository';
import { createTimelineProjection } from './timeline.projection';

describe('the rollup error statuses migration', () => {
  const event = (id: string, minute: number, outcome: Outcome, httpStatus: number | null): OutcomeEvent => {
    const occurredAtIso = new Date(Date.UTC(2026, 5, 7, 9, minute, 30)).toISOString();
    return { id, provider: 'anthropic', model: 'm-1', outcome, httpStatus, errorCode: null, latencyMs: 500, ttftMs: null, occurredAt: Date.parse(occurredAtIso), occurredAtIso };
  };
  const statuses = async (db: ReturnType<typeof createDatabase>) =>
    (await sql<{ minute: number; errors: number; error_statuses: Record<string, number> | null }>`
      SELECT extract(minute FROM minute)::int AS minute, errors, error_statuses FROM minute_rollups ORDER BY minute`.execute(db)).rows;

  it('fills in the statuses of the errors the timeline had folded, and the fold adds the rest', async () => {
    const db = createDatabase({ url: await createEmptyDatabase(), poolSize: 3 });
    try {
      const files = readdirSync(migrationsFolder()).filter((f) => f.endsWith('.sql')).sort();
      await migrateTo(db, files[files.indexOf('2026-12-02T0800_rollup-error-statuses.sql') - 1]!.replace(/\.sql$/, ''));
      const log = new OutcomeEventRepository(db);
      const reader = new OutcomeLogReader();
      await log.append('notion', [event('a', 1, 'error', 529), event('b', 1, 'error', 529), event('c', 2, 'error', null), event('d', 2, 'success', 200)]);
      const folded = (await reader.lastVisible(db))!;
      await log.append('notion', [event('e', 2, 'error', 503), event('f', 3, 'error', 500), event('g', 3, 'timeout', null)]);
      // What a timeline of the version before had made of the first batch: counts, no statuses.
      await sql`
        INSERT INTO minute_rollups (provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, latency_sketch, ttft_sketch)
        VALUES ('anthropic', 'm-1', 'notion', '2026-06-07T09:01:00Z', 0, 2, 0, 0, 0, ''::bytea, ''::bytea),
               ('anthropic', 'm-1', 'notion', '2026-06-07T09:02:00Z', 1, 1, 0, 0, 0, ''::bytea, ''::bytea)`.execute(db);
      await sql`
        INSERT INTO projection_checkpoints (name, transaction_id, global_position, events_folded)
        VALUES (${TIMELINE_PROJECTION}, ${folded.transactionId.toString()}::xid8, ${folded.globalPosition.toString()}, 4)`.execute(db);

      await migrateToLatest(db);
      // Only the folded events' statuses: the second batch is the timeline's to add.
      expect(await statuses(db)).toEqual([
        { minute: 1, errors: 2, error_statuses: { '529': 2, '5xx': 2 } },
        { minute: 2, errors: 1, error_statuses: { none: 1 } },
      ]);

      const runner = new ProjectionRunner(db, reader, new CheckpointRepository(), [createTimelineProjection()]);
      await runner.catchUp(TIMELINE_PROJECTION, { batchSize: 100 });
      expect(await statuses(db)).toEqual([
        { minute: 1, errors: 2, error_statuses: { '529': 2, '5xx': 2 } },
        { minute: 2, errors: 2, error_statuses: { none: 1, '503': 1, '5xx': 1 } },
        { minute: 3, errors: 1, error_statuses: { '500': 1, '5xx': 1 } },
      ]);
    } finally {
      await db.destroy();
    }
  });
});
