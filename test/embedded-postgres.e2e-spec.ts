import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresAnswers } from '@ledger/database';
import { outcomeEvent } from './support/events';
import { freePort } from './support/ports';
import { BuiltService, startBuiltService, waitUntilReady } from './support/test-service';

// The quick start: no DATABASE_URL, so the service runs its own Postgres under DATA_DIR.
describe('the service on its embedded Postgres', () => {
  it('becomes ready, keeps its data across a restart, and stops its Postgres on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sla-ledger-embedded-'));
    const pgPort = await freePort(); // checked free, not guessed
    const env = { DATABASE_URL: '', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) };
    const started: BuiltService[] = [];
    try {
      // initdb and a first start on a busy machine: ready is awaited, its duration not asserted.
      const first = await startBuiltService(env);
      started.push(first);
      await waitUntilReady(first.url, 180_000);
      const key = (await first.client.createKey('notion', ['INGEST'])).secret;
      const stored = await first.client.postEvents(key, [outcomeEvent('kept-1')]);
      expect(stored.body.accepted).toBe(1);
      first.process.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(await postgresAnswers(`postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`)).toBe(false);

      const second = await startBuiltService(env);
      started.push(second);
      await waitUntilReady(second.url, 180_000);
      const resent = await second.client.postEvents(key, [outcomeEvent('kept-1')]);
      expect(resent.body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      // After a failure: no service (nor its Postgres, stopped on SIGTERM) left running.
      for (const s of started) if (s.process.exitCode === null && s.process.signalCode === null) s.process.kill('SIGTERM');
      await Promise.all(started.map((s) => s.exited));
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 420_000);
});
