import { randomBytes, randomInt } from 'node:crypto';
import { createDatabase, Database } from '@ledger/database';
import { outcomeEvent } from '../support/events';
import { dumpDatabase } from '../support/database-dump';
import { ADMIN_KEY, startTestService, TestService } from '../support/test-service';

/** A random bearer value of this length, of characters a header may carry. */
function randomToken(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+/=!$%&*:;,?@[]{}|^`\'"<>()#é';
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/**
 * Hostile keys on every authenticated route: a wrong secret of any length, a revoked key, a
 * key of another platform, a key without the route's scope → 401/403, never 500 (or any other
 * status); and a dump of the whole database holds no key secret.
 */
describe('keys under attack', () => {
  let service: TestService;
  let db: Database;

  beforeAll(async () => {
    service = await startTestService({ ROLE: 'api', RATE_LIMIT_QUERIES_PER_SECOND: '10000' });
    db = createDatabase({ url: service.databaseUrl, poolSize: 2 });
  });
  afterAll(async () => {
    await db.destroy();
    await service.close();
  });

  /** Calls every authenticated route with this bearer value; returns each route's status. */
  async function everyRoute(bearer: string, platformInBody?: string): Promise<Record<string, number>> {
    const authorization = `Bearer ${bearer}`;
    const json = { authorization, 'content-type': 'application/json' };
    const [ingest, graphql, metrics, csv] = await Promise.all([
      fetch(`${service.url}/v1/events`, {
        method: 'POST', headers: json,
        body: JSON.stringify({ ...(platformInBody ? { platform: platformInBody } : {}), events: [outcomeEvent(`k-${randomBytes(6).toString('hex')}`)] }),
      }),
      fetch(`${service.url}/graphql`, { method: 'POST', headers: json, body: JSON.stringify({ query: '{ viewer { keyId } }' }) }),
      fetch(`${service.url}/metrics`, { headers: { authorization } }),
      fetch(`${service.url}/v1/reports/credits.csv?period=2026-06`, { headers: { authorization } }),
    ]);
    return { ingest: ingest.status, graphql: graphql.status, metrics: metrics.status, csv: csv.status };
  }

  it('answers 401 to a wrong secret of any length on every route, never 500', async () => {
    const real = await service.client.createKey('notion', ['INGEST', 'READ']);
    const prefix = `slk_${real.id}_`; // the secret itself is base64url, which may contain '_'
    expect(real.secret.startsWith(prefix)).toBe(true);
    const secretLength = real.secret.length - prefix.length;
    const wrong: string[] = [];
    for (const length of [0, 1, 2, 7, 16, 31, 32, secretLength - 1, secretLength, secretLength + 1, 64, 100, 256, 1_000, 4_096, 7_000]) {
      wrong.push(`${prefix}${randomToken(length)}`); // the right key id, a wrong secret
      wrong.push(randomToken(length) || 'x'); // no structure at all
      wrong.push(`slk_${randomToken(16)}_${randomToken(length)}`);
    }
    wrong.push(real.secret.slice(0, -1), `${real.secret}A`, real.secret.toUpperCase(), `${ADMIN_KEY.slice(0, -1)}Z`, 'slk_', 'slk__', 'slk_' + '_'.repeat(60));
    const seen = new Map<string, number>();
    for (const token of wrong) {
      for (const [route, status] of Object.entries(await everyRoute(token))) {
        seen.set(`${route} ${status}`, (seen.get(`${route} ${status}`) ?? 0) + 1);
        if (status !== 401) throw new Error(`${route} answered ${status} to ${JSON.stringify(token.slice(0, 80))} (length ${token.length})`);
      }
    }
    console.log(`wrong secrets: ${wrong.length} tokens × 4 routes → ${[...seen.entries()].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    expect(wrong.length).toBeGreaterThan(50);
  });

  it('answers 401 to a revoked key on every route', async () => {
    const key = await service.client.createKey('notion', ['INGEST', 'READ']);
    expect(await everyRoute(key.secret)).toEqual({ ingest: 200, graphql: 200, metrics: 200, csv: 200 });
    const revoked = await service.client.graphql(ADMIN_KEY, 'mutation($id: ID!) { revokeApiKey(id: $id) }', { id: key.id });
    expect(revoked.body.data.revokeApiKey).toBe(true);
    expect(await everyRoute(key.secret)).toEqual({ ingest: 401, graphql: 401, metrics: 401, csv: 401 });
  });

  it("answers 403 to another platform's key and to a key without the route's scope", async () => {
    const notion = await service.client.createKey('notion', ['INGEST', 'READ']);
    await service.client.createKey('acme-wiki', ['INGEST']);
    // A notion key posting for acme-wiki, and reading acme-wiki's traffic.
    expect((await everyRoute(notion.secret, 'acme-wiki')).ingest).toBe(403);
    const series = await service.client.graphql(
      notion.secret,
      '{ minuteSeries(from: "2026-06-07T00:00:00Z", to: "2026-06-08T00:00:00Z", provider: "anthropic", platform: "acme-wiki") { minute } }',
    );
    expect(series.status).toBe(403);
    expect(series.body.errors[0].extensions.code).toBe('FORBIDDEN');
    // Scopes: ingest-only keys read nothing, read-only keys post nothing.
    const ingestOnly = await service.client.createKey('notion', ['INGEST']);
    expect(await everyRoute(ingestOnly.secret)).toMatchObject({ ingest: 200, metrics: 403, csv: 403 });
    const readOnly = await service.client.createKey('notion', ['READ']);
    expect((await everyRoute(readOnly.secret)).ingest).toBe(403);
  });

  it('leaves no key secret in a dump of the database', async () => {
    const keys = [
      await service.client.createKey('notion', ['INGEST']),
      await service.client.createKey('acme-wiki', ['READ']),
      await service.client.createKey(null, ['ADMIN']),
    ];
    await service.client.graphql(ADMIN_KEY, 'mutation($id: ID!) { revokeApiKey(id: $id) }', { id: keys[0]!.id });
    const { text, via } = await dumpDatabase(db, service.databaseUrl);
    console.log(`database dump (${via}): ${text.length.toLocaleString('en')} characters, searched for ${keys.length} secrets`);
    for (const key of keys) {
      expect(text).toContain(key.id); // the dump does hold the keys' rows…
      const secretPart = key.secret.slice(`slk_${key.id}_`.length);
      expect(secretPart.length).toBeGreaterThanOrEqual(32);
      expect(text).not.toContain(secretPart); // …but not their secrets
      expect(text).not.toContain(key.secret);
    }
  });
});
