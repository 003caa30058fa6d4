import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { outcomeEvent, outcomeEvents } from './support/events';
import { LogReader } from './support/log-reader';
import { createEmptyDatabase, createTestDatabase } from './support/test-database';
import { startTestService } from './support/test-service';

const run = promisify(execFile);
const cli = join(__dirname, '../dist/apps/cli/src/main.js');

// Runs the compiled CLI (`npm test` builds first) the way an operator would.
describe('the CLI', () => {
  let databaseUrl: string;
  let dir: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'sla-ledger-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const sla = (...args: string[]) => run(process.execPath, [cli, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl } });

  it('imports an NDJSON file with the ingest rules, naming rejected lines, and stores nothing twice on a re-run', async () => {
    const lines = outcomeEvents('import', 12_000).map((e) => JSON.stringify(e));
    lines.splice(10, 0, '{"id": "broken"'); // line 11
    lines.splice(5_000, 0, JSON.stringify(outcomeEvent('import-no-model', { model: undefined }))); // line 5001
    lines.push(JSON.stringify(outcomeEvents('import', 1)[0]), ''); // a duplicate of line 1, and a blank line
    const file = join(dir, 'events.ndjson');
    await writeFile(file, lines.join('\n'));

    const first = await sla('import', file, '--platform', 'acme-wiki', '--batch-size', '5000');
    expect(first.stdout).toContain('accepted:   12000');
    expect(first.stdout).toContain('duplicates: 1');
    expect(first.stdout).toContain('rejected:   2');
    expect(first.stdout).toMatch(/line 11: not valid JSON/);
    expect(first.stdout).toMatch(/line 5001 \(id import-no-model\): model is required/);

    const again = await sla('import', file, '--platform', 'acme-wiki');
    expect(again.stdout).toContain('accepted:   0');
    expect(again.stdout).toContain('duplicates: 12001');

    const log = new LogReader(databaseUrl);
    expect(await log.count('acme-wiki')).toBe(12_000);
    await log.close();
  });

  it('creates, lists and revokes keys; a created key works over HTTP until revoked', async () => {
    const created = await sla('keys', 'create', '--platform', 'notion', '--scopes', 'ingest,read', '--name', 'notion prod');
    const id = /id:\s+(\S+)/.exec(created.stdout)![1]!;
    const secret = /secret:\s+(\S+)/.exec(created.stdout)![1]!;

    const service = await startTestService({ DATABASE_URL: databaseUrl });
    try {
      expect((await service.client.postEvents(secret, [outcomeEvent('via-cli-key')])).status).toBe(200);
      const listed = await sla('keys', 'list');
      expect(listed.stdout).toContain(id);
      expect(listed.stdout).not.toContain(secret.slice(22));
      const revoked = await sla('keys', 'revoke', id);
      expect(revoked.stdout).toContain(`Revoked ${id}`);
      expect((await service.client.postEvents(secret, [outcomeEvent('after-revoke')])).status).toBe(401);
    } finally {
      await service.close();
    }
  });

  it('refuses a bad key request with a clear message', async () => {
    await expect(sla('keys', 'create', '--scopes', 'ingest')).rejects.toMatchObject({
      stderr: expect.stringContaining('must belong to a platform'),
    });
  });

  it('applies migrations on demand, once', async () => {
    const fresh = await createEmptyDatabase();
    const env = { ...process.env, DATABASE_URL: fresh };
    const first = await run(process.execPath, [cli, 'migrate'], { env });
    expect(first.stdout).toMatch(/Applied: .*outcome-event-log/);
    const second = await run(process.execPath, [cli, 'migrate'], { env });
    expect(second.stdout).toContain('The schema is up to date.');
  });
});
