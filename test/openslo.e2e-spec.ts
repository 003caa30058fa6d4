import { parseAllDocuments } from 'yaml';
import { ADMIN_KEY, startTestService, TestService } from './support/test-service';

/**
 * The OpenSLO export (docs/openslo.md) end to end: a contract with failure rules in a non-UTC
 * zone and a BURN_RATE rule, defined over GraphQL, exported as YAML and read back.
 */

const SECRETS_KEY = 'openslo-e2e-secrets-key-0123456789abcdef';
/** Loopback, so the service needs ALLOW_PRIVATE_WEBHOOKS; never contacted (no traffic, no alert). */
const WEBHOOK_URL = 'http://127.0.0.1:9/hooks/openslo-e2e-never-exported';

const CONTRACT = {
  platform: 'notion', provider: 'anthropic', models: ['claude-sonnet-4-6', 'claude-opus-4-7'], timeZone: 'Europe/Berlin', targetPercent: '99.95',
  policy: { kind: 'DOWNTIME_MINUTES', errorRateThreshold: '0.1', minSamples: 5, minConsecutiveMinutes: 3 },
  countTimeouts: false, countRateLimited: true, errorStatuses: ['5xx', '408'], minimumCredit: { amount: '1.00', currency: 'USD' },
  creditTiers: [{ uptimeBelow: '99.95', creditPercent: '10' }, { uptimeBelow: '99.0', creditPercent: '25' }],
  monthlyFee: { amount: '48250.00', currency: 'USD' }, claimWindowDays: 45, effectiveFrom: '2026-03-15T10:00:00Z',
};

describe('GET /v1/contracts/:id/openslo.yaml', () => {
  let service: TestService;
  let notionReader: string;
  let acmeReader: string;
  let contractId: string;
  let ruleId: string;

  const ok = async (query: string, variables: Record<string, unknown> = {}) => {
    const { body } = await service.client.graphql(ADMIN_KEY, query, variables);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const get = async (key: string, id: string) => {
    const response = await fetch(`${service.url}/v1/contracts/${id}/openslo.yaml`, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, contentType: response.headers.get('content-type'), disposition: response.headers.get('content-disposition'), text: await response.text() };
  };
  /** The documents of a YAML stream, each as plain data; a document that does not parse fails the test. */
  const documentsOf = (text: string) =>
    parseAllDocuments(text).map((document) => {
      expect(document.errors).toEqual([]);
      return document.toJS() as any;
    });

  beforeAll(async () => {
    service = await startTestService({ ALLOW_PRIVATE_WEBHOOKS: 'true', ALERT_SECRETS_KEY: SECRETS_KEY });
    notionReader = (await service.client.createKey('notion', ['READ'])).secret;
    acmeReader = (await service.client.createKey('acme-wiki', ['READ'])).secret;
    contractId = (await ok('mutation($input: ContractInput!) { defineContract(input: $input) { id } }', { input: CONTRACT })).defineContract.id;
    const createRule = async (input: Record<string, unknown>) =>
      (await ok('mutation($input: AlertRuleInput!) { createAlertRule(input: $input) { rule { id } } }', { input })).createAlertRule.rule.id as string;
    ruleId = await createRule({ name: 'Anthropic budget', kind: 'BURN_RATE', contractId, minSeverity: 'TICKET', webhookUrl: WEBHOOK_URL });
    await createRule({ name: 'Switched off', kind: 'BURN_RATE', contractId, minSeverity: 'PAGE', webhookUrl: WEBHOOK_URL, enabled: false });
  });

  afterAll(async () => {
    await service?.close();
  });

  it('exports the contract as Service, SLI, SLO and one alert policy per burn-rate condition', async () => {
    const { status, contentType, disposition, text } = await get(notionReader, contractId);
    expect([status, contentType, disposition]).toEqual([200, 'application/yaml; charset=utf-8', `inline; filename="${contractId}.openslo.yaml"`]);
    const documents = documentsOf(text);
    expect(documents.map((d) => [d.apiVersion, d.kind])).toEqual([
      ['openslo/v1', 'Service'], ['openslo/v1', 'SLI'], ['openslo/v1', 'SLO'],
      ['openslo/v1', 'AlertPolicy'], ['openslo/v1', 'AlertPolicy'], ['openslo/v1', 'AlertPolicy'], ['openslo/v1', 'AlertPolicy'],
    ]);
    const [serviceDoc, sli, slo, ...policies] = documents;

    expect(slo.spec).toMatchObject({
      service: serviceDoc.metadata.name,
      indicatorRef: sli.metadata.name,
      budgetingMethod: 'Timeslices',
      timeWindow: [{ duration: '1M', isRolling: false, calendar: { startTime: '2026-03-01 00:00:00', timeZone: 'Europe/Berlin' } }],
      objectives: [{ target: 0.9995, timeSliceTarget: 0.9, timeSliceWindow: '1m' }],
      alertPolicies: policies.map((p) => ({ alertPolicyRef: p.metadata.name })),
    });
    // Written digit for digit, and quoted where a YAML 1.1 reader would see a timestamp.
    expect(text).toContain('target: 0.9995\n');
    expect(text).toContain('startTime: "2026-03-01 00:00:00"');

    const annotations = slo.metadata.annotations;
    expect(JSON.parse(annotations['sla-ledger.dev/credit-tiers'])).toEqual(CONTRACT.creditTiers);
    expect(annotations).toMatchObject({
      'sla-ledger.dev/contract': contractId, 'sla-ledger.dev/contract-version': '1', 'sla-ledger.dev/policy': 'DOWNTIME_MINUTES',
      'sla-ledger.dev/monthly-fee': '48250.00 USD', 'sla-ledger.dev/minimum-credit': '1.00 USD', 'sla-ledger.dev/claim-window-days': '45',
      'sla-ledger.dev/min-samples': '5', 'sla-ledger.dev/min-consecutive-minutes': '3',
    });

    expect(sli.spec.ratioMetric.total.metricSource).toEqual({
      type: 'SLALedger',
      spec: {
        contract: contractId, platform: 'notion', provider: 'anthropic', models: 'claude-opus-4-7,claude-sonnet-4-6',
        countTimeouts: 'false', countRateLimited: 'true', errorStatuses: '408,5xx', counts: 'requests with outcome in (success, error, rate_limited)',
      },
    });

    expect(policies.map((p) => {
      const { severity, condition } = p.spec.conditions[0].spec;
      return [severity, condition.kind, condition.op, condition.threshold, condition.lookbackWindow, p.metadata.annotations['sla-ledger.dev/short-window'], p.metadata.annotations['sla-ledger.dev/alert-rule']];
    })).toEqual([
      ['page', 'burnrate', 'gt', 14.4, '1h', '5m', ruleId],
      ['page', 'burnrate', 'gt', 6, '6h', '30m', ruleId],
      ['ticket', 'burnrate', 'gt', 3, '1d', '2h', ruleId],
      ['ticket', 'burnrate', 'gt', 1, '3d', '6h', ruleId],
    ]);
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('openslo-e2e-never-exported');
  });

  it('gives a staff key the same document', async () => {
    const [staff, own] = await Promise.all([get(ADMIN_KEY, contractId), get(notionReader, contractId)]);
    expect(staff.status).toBe(200);
    expect(staff.text).toBe(own.text);
  });

  it("refuses a platform key another platform's contract, and answers 404 for an unknown one", async () => {
    const other = await get(acmeReader, contractId);
    expect([other.status, JSON.parse(other.text).message]).toEqual([403, 'this key reads platform "acme-wiki" only']);
    const unknown = await get(notionReader, 'ctr_0000000000000000');
    expect([unknown.status, JSON.parse(unknown.text).message]).toEqual([404, 'no contract ctr_0000000000000000']);
  });

  it('exports the latest version after an amendment', async () => {
    await ok('mutation($id: ID!, $input: ContractInput!, $from: DateTime!) { amendContract(id: $id, input: $input, effectiveFrom: $from) { version } }', {
      id: contractId, from: '2026-06-01T00:00:00Z',
      input: { ...CONTRACT, targetPercent: '99.9', policy: { kind: 'AVERAGE_ERROR_RATE', windowMinutes: 10 }, claimWindowDays: 60 },
    });
    const { status, text } = await get(notionReader, contractId);
    expect(status).toBe(200);
    const slo = documentsOf(text).find((d) => d.kind === 'SLO');
    expect(slo.spec.budgetingMethod).toBe('RatioTimeslices');
    expect(slo.spec.objectives).toEqual([expect.objectContaining({ target: 0.999, timeSliceWindow: '10m' })]);
    expect(slo.metadata.annotations).toMatchObject({
      'sla-ledger.dev/contract-version': '2', 'sla-ledger.dev/in-force-from': '2026-06-01T00:00:00.000Z', 'sla-ledger.dev/claim-window-days': '60',
    });
  });
});
