import { sql } from 'kysely';
import { outcomeEvent } from './support/events';
import { LogReader } from './support/log-reader';
import { ADMIN_KEY, startTestService, TestService } from './support/test-service';

describe('keys and auth', () => {
  let service: TestService;
  let log: LogReader;

  beforeAll(async () => {
    service = await startTestService();
    log = new LogReader(service.databaseUrl);
  });
  afterAll(async () => {
    await log.close();
    await service.close();
  });

  const post = (key: string | null) => service.client.postEvents(key, [outcomeEvent(`auth-${Math.random()}`)]);

  it('answers 401 on ingest without a key, with an unknown key or a wrong secret of any length', async () => {
    const real = await service.client.createKey('notion', ['INGEST']);
    const wrongSecret = real.secret.slice(0, -4) + 'AAAA';
    for (const key of [null, 'nonsense', '', 'x'.repeat(5000), `slk_${real.id}_short`, wrongSecret, ADMIN_KEY + 'x']) {
      const { status } = await post(key);
      expect(status).toBe(401);
    }
    const malformed = await fetch(`${service.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: 'Basic abc', 'content-type': 'application/json' },
      body: '{"events":[]}',
    });
    expect(malformed.status).toBe(401);
  });

  it('answers 403 for a key without the ingest scope and for a staff key without a platform', async () => {
    const readOnly = await service.client.createKey('notion', ['READ']);
    expect((await post(readOnly.secret)).status).toBe(403);
    const staff = await service.client.createKey(null, ['READ']);
    expect((await post(staff.secret)).status).toBe(403);
    expect((await post(ADMIN_KEY)).status).toBe(403); // the bootstrap admin belongs to no platform
  });

  it('makes revocation effective at once', async () => {
    const key = await service.client.createKey('notion', ['INGEST']);
    expect((await post(key.secret)).status).toBe(200);
    const revoked = await service.client.graphql(ADMIN_KEY, 'mutation($id: ID!) { revokeApiKey(id: $id) }', { id: key.id });
    expect(revoked.body.data.revokeApiKey).toBe(true);
    expect((await post(key.secret)).status).toBe(401);
    const again = await service.client.graphql(ADMIN_KEY, 'mutation($id: ID!) { revokeApiKey(id: $id) }', { id: key.id });
    expect(again.body.data.revokeApiKey).toBe(false);
  });

  it('reports UNAUTHENTICATED and FORBIDDEN in GraphQL', async () => {
    const anonymous = await service.client.graphql(null, '{ apiKeys { id } }');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const unknown = await service.client.graphql('slk_0000000000000000_' + 'A'.repeat(43), '{ viewer { keyId } }');
    expect(unknown.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const platformKey = await service.client.createKey('notion', ['INGEST', 'READ']);
    const forbidden = await service.client.graphql(platformKey.secret, 'mutation { createApiKey(platform: "x", scopes: [READ]) { id } }');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const viewer = await service.client.graphql(platformKey.secret, '{ viewer { keyId platform scopes } }');
    expect(viewer.body.data.viewer).toEqual({ keyId: platformKey.id, platform: 'notion', scopes: ['INGEST', 'READ'] });
  });

  it('shows a secret once and stores only its hash', async () => {
    const created = await service.client.graphql(
      ADMIN_KEY,
      'mutation { createApiKey(platform: "acme-wiki", scopes: [INGEST, READ], name: "acme prod") { id platform scopes secret } }',
    );
    const key = created.body.data.createApiKey;
    expect(key).toMatchObject({ platform: 'acme-wiki', scopes: ['INGEST', 'READ'] });
    expect(key.secret).toMatch(/^slk_[0-9a-f]{16}_/);

    const listed = await service.client.graphql(ADMIN_KEY, '{ apiKeys { id name platform scopes revokedAt } }');
    expect(listed.body.data.apiKeys).toContainEqual({ id: key.id, name: 'acme prod', platform: 'acme-wiki', scopes: ['INGEST', 'READ'], revokedAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(key.secret.slice(22));

    const secretPart = key.secret.slice(22);
    const { rows } = await sql<{ hits: bigint }>`
      SELECT (SELECT count(*) FROM api_keys WHERE row_to_json(api_keys)::text LIKE ${'%' + secretPart + '%'})
           + (SELECT count(*) FROM admin_events WHERE row_to_json(admin_events)::text LIKE ${'%' + secretPart + '%'}) AS hits`.execute(log.db);
    expect(Number(rows[0]!.hits)).toBe(0);
    const events = await log.db.selectFrom('admin_events').select(['type', 'actor']).orderBy('global_position').execute();
    expect(events).toContainEqual({ type: 'ApiKeyCreated', actor: 'bootstrap-admin' });
  });

  it('refuses invalid key requests with a clear message', async () => {
    const badPlatform = await service.client.graphql(ADMIN_KEY, 'mutation { createApiKey(platform: "Not A Slug", scopes: [READ]) { id } }');
    expect(badPlatform.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(badPlatform.body.errors[0].message).toContain('platform must be a lowercase slug');
    const staffIngest = await service.client.graphql(ADMIN_KEY, 'mutation { createApiKey(scopes: [INGEST]) { id } }');
    expect(staffIngest.body.errors[0].message).toContain('must belong to a platform');
    const noScopes = await service.client.graphql(ADMIN_KEY, 'mutation { createApiKey(platform: "a", scopes: []) { id } }');
    expect(noScopes.body.errors[0].message).toContain('at least one');
  });

  it('never shows clients SQL or stack traces', async () => {
    // Postgres refuses text with a NUL byte, so this fails inside the resolver's SQL.
    const failing = await service.client.graphql(ADMIN_KEY, 'mutation($id: ID!) { revokeApiKey(id: $id) }', { id: 'a\u0000b' });
    expect(failing.body.errors[0].message).toBe('Unexpected error.');
    expect(JSON.stringify(failing.body)).not.toMatch(/api_keys|SELECT|UPDATE|at .*\.js/);
  });

  it('serves health without a key', async () => {
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});

describe('GraphiQL', () => {
  it('is served outside production and not in production', async () => {
    const page = (url: string) => fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    const development = await startTestService();
    const production = await startTestService({ NODE_ENV: 'production' });
    try {
      const dev = await page(development.url);
      expect(dev.status).toBe(200);
      expect(await dev.text()).toContain('GraphiQL');
      const prod = await page(production.url);
      expect(await prod.text()).not.toContain('GraphiQL');
    } finally {
      await development.close();
      await production.close();
    }
  });
});
