import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresAnswers } from '@ledger/database';
import { outcomeEvent } from './support/events';
import { startBuiltService, waitUntilReady } from './support/test-service';

// The quick start: no DATABASE_URL, so the service runs its own Postgres under DATA_DIR.
describe('the service on its embedded Postgres', () => {
  it('becomes ready within 60 s, keeps its data across a restart, and stops its Postgres on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sla-ledger-embedded-'));
    const pgPort = 56_000 + Math.floor(Math.random() * 2_000);
    const env = { DATABASE_URL: '', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) };
    try {
      const started = Date.now();
      const first = await startBuiltService(env);
      await waitUntilReady(first.url, 60_000);
      expect(Date.now() - started).toBeLessThan(60_000);
      const key = (await first.client.createKey('notion', ['INGEST'])).secret;
      const stored = await first.client.postEvents(key, [outcomeEvent('kept-1')]);
      expect(stored.body.accepted).toBe(1);
      first.process.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(await postgresAnswers(`postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`)).toBe(false);

      const second = await startBuiltService(env);
      await waitUntilReady(second.url, 60_000);
      const resent = await second.client.postEvents(key, [outcomeEvent('kept-1')]);
      expect(resent.body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
