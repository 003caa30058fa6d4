import { sql } from 'kysely';
import { outcomeEvent } from './support/events';
import { LogReader, StoredCounts } from './support/log-reader';
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

  let posted = 0;
  /** Posts one new event; returns the answer's status and the event's id, to look it up in the log. */
  const post = async (key: string | null) => {
    const id = `auth-${++posted}`;
    const { status } = await service.client.postEvents(key, [outcomeEvent(id)]);
    return { status, id };
  };
  /** A refused request stored nothing: not its event (under any platform), no admin event, key or contract. */
  const expectNothingStoredSince = async (before: StoredCounts, eventIds: string[]) => {
    for (const id of eventIds) expect(await log.findAnywhere(id)).toEqual([]);
    expect(await log.storedCounts()).toEqual(before);
  };

  it('answers 401 on ingest without a key, with an unknown key or a wrong secret of any length', async () => {
    const real = await service.client.createKey('notion', ['INGEST']);
    const wrongSecret = real.secret.slice(0, -4) + 'AAAA';
    const before = await log.storedCounts();
    const refused: string[] = [];
    for (const key of [null, 'nonsense', '', 'x'.repeat(5000), `slk_${real.id}_short`, wrongSecret, ADMIN_KEY + 'x']) {
      const { status, id } = await post(key);
      expect(status).toBe(401);
      refused.push(id);
    }
    const malformed = await fetch(`${service.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: 'Basic abc', 'content-type': 'application/json' },
      body: JSON.stringify({ events: [outcomeEvent('auth-basic')] }),
    });
    expect(malformed.status).toBe(401);
    await expectNothingStoredSince(before, [...refused, 'auth-basic']);
    // The control: the real key stores the same kind of event, so the lookups above can see one.
    const { status, id } = await post(real.secret);
    expect(status).toBe(200);
    expect(await log.findAnywhere(id)).toEqual([{ platform: 'notion', event_id: id }]);
  });

  it('answers 403 for a key without the ingest scope and for a staff key without a platform', async () => {
    const readOnly = await service.client.createKey('notion', ['READ']);
    const staff = await service.client.createKey(null, ['READ']);
    const before = await log.storedCounts();
    const refused: string[] = [];
    for (const key of [readOnly.secret, staff.secret, ADMIN_KEY]) { // the bootstrap admin belongs to no platform
      const { status, id } = await post(key);
      expect(status).toBe(403);
      refused.push(id);
    }
    await expectNothingStoredSince(before, refused);
  });

  it('makes revocation effective at once', async () => {
    const key = await service.client.createKey('notion', ['INGEST']);
    const accepted = await post(key.secret);
    expect(accepted.status).toBe(200);
    expect(await log.findAnywhere(accepted.id)).toEqual([{ platform: 'notion', event_id: accepted.id }]);
    const revoked = await service.client.graphql(ADMIN_KEY, 'mutation($id: ID!) { revokeApiKey(id: $id) }', { id: key.id });
    expect(revoked.body.data.revokeApiKey).toBe(true);
    const before = await log.storedCounts();
    const refused = await post(key.secret);
    expect(refused.status).toBe(401);
    await expectNothingStoredSince(before, [refused.id]);
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
    const before = await log.storedCounts();
    const forbidden = await service.client.graphql(platformKey.secret, 'mutation { createApiKey(platform: "x", scopes: [READ]) { id } }');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(forbidden.body.data).toBeNull();
    const anonymousCreate = await service.client.graphql(null, 'mutation { createApiKey(platform: "x", scopes: [READ]) { id } }');
    expect(anonymousCreate.status).toBe(401);
    expect(anonymousCreate.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const contract = {
      platform: 'notion', provider: 'vendor', targetPercent: '99', policy: { kind: 'DOWNTIME_MINUTES' },
      monthlyFee: { amount: '1', currency: 'USD' }, effectiveFrom: '2026-01-01T00:00:00Z',
    };
    const defineAsPlatform = await service.client.graphql(platformKey.secret, 'mutation($input: ContractInput!) { defineContract(input: $input) { id } }', { input: contract });
    expect(defineAsPlatform.status).toBe(403);
    expect(defineAsPlatform.body.errors[0].extensions.code).toBe('FORBIDDEN');
    // No key for "x", no contract, no admin event: neither the log nor the tables changed.
    expect(await log.db.selectFrom('api_keys').select('id').where('platform', '=', 'x').execute()).toEqual([]);
    const keys = await service.client.graphql(ADMIN_KEY, '{ apiKeys { platform } }');
    expect(keys.body.data.apiKeys.map((k: { platform: string | null }) => k.platform)).not.toContain('x');
    const contracts = await service.client.graphql(ADMIN_KEY, '{ contracts { id } }');
    expect(contracts.body.data.contracts).toEqual([]);
    expect(await log.storedCounts()).toEqual(before);
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
      // Production has no GraphiQL: yoga, with no page to render, refuses a browser's text/html
      // accept with 406 Not Acceptable and an empty body (checked by hand against graphql-yoga 5).
      const prod = await page(production.url);
      expect(prod.status).toBe(406);
      expect(await prod.text()).toBe('');
      // ...while GraphQL itself is served there.
      const viewer = await production.client.graphql(ADMIN_KEY, '{ viewer { keyId platform } }');
      expect(viewer.status).toBe(200);
      expect(viewer.body.data.viewer.platform).toBeNull();
    } finally {
      await development.close();
      await production.close();
    }
  });
});
