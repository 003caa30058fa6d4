import { ADMIN_KEY, startTestService, TestService } from './support/test-service';

describe('GraphQL hardening', () => {
  let service: TestService;
  let production: TestService;

  beforeAll(async () => {
    service = await startTestService({ ROLE: 'api' });
    production = await startTestService({ ROLE: 'api', NODE_ENV: 'production' });
  });
  afterAll(async () => {
    await service.close();
    await production.close();
  });

  const ask = (query: string, target = service) => target.client.graphql(ADMIN_KEY, query);

  it('refuses a query nested 20 deep', async () => {
    const deep = '{ incidents(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") ' + '{ modelOutages '.repeat(19) + '{ start }' + ' }'.repeat(20);
    const { body } = await ask(deep);
    // Its cost (which grows with depth) trips first; either way it never reaches a resolver.
    expect(body.errors[0].message).toMatch(/depth|cost/i);
    expect(body.data).toBeUndefined();
  });

  it('refuses 500 aliases', async () => {
    const aliases = Array.from({ length: 500 }, (_, i) => `a${i}: viewer { keyId }`).join(' ');
    const { body } = await ask(`{ ${aliases} }`);
    expect(body.errors[0].message).toMatch(/aliases|token/i);
    const fewerTokens = await ask(`{ ${Array.from({ length: 30 }, (_, i) => `a${i}: viewer { keyId }`).join(' ')} }`);
    expect(fewerTokens.body.errors[0].message).toMatch(/aliases limit of 20/i);
  });

  it('refuses a 10,000-token query', async () => {
    const { body } = await ask(`{ viewer { ${'keyId '.repeat(10_000)} } }`);
    expect(body.errors[0].message).toMatch(/token/i);
  });

  it('refuses an over-cost query', async () => {
    const fields = 'provider model start end ongoing durationMinutes severity peakErrorRate eligibleRequests failedRequests platformsAffected';
    const report = `contract { id platform provider models timeZone targetPercent policy { kind errorRateThreshold minSamples minConsecutiveMinutes windowMinutes }
      creditTiers { uptimeBelow creditPercent } monthlyFee { amount currency } } period uptimePercent met eligibleMinutes excludedMinutes
      downtimeMinutes creditAmount { amount currency } evidence { start end minutes eligibleRequests failedRequests }`;
    const wide = Array.from({ length: 10 }, (_, i) =>
      `i${i}: incidents(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { modelOutages { ${fields} } } r${i}: slaReports(period: "2026-01") { ${report} }`,
    ).join(' ');
    const { body } = await ask(`{ ${wide} }`);
    expect(body.errors.map((e: { message: string }) => e.message).join(' ')).toMatch(/cost/i);
  });

  it('suggests no field names for a misspelled field', async () => {
    const { body } = await ask('{ viewer { keyld } }');
    expect(body.errors[0].message).not.toMatch(/did you mean/i);
  });

  it('answers no introspection in production, and refuses a __schema-named fragment there', async () => {
    expect((await ask('{ __schema { types { name } } }', production)).body.errors[0].message).toMatch(/introspection/i);
    const fragment = await ask('query { ...__schema } fragment __schema on Query { __schema { types { name } } }', production);
    expect(fragment.body.errors).toBeDefined();
    expect(fragment.body.data?.__schema).toBeUndefined();
    expect((await ask('{ __schema { queryType { name } } }')).body.data.__schema.queryType.name).toBe('Query');
  });

  it('refuses a cross-site "simple" request (CSRF)', async () => {
    const response = await fetch(`${service.url}/graphql?query=${encodeURIComponent('{ viewer { keyId } }')}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(response.status).toBe(403);
  });
});
