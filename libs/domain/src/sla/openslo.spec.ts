import { contractTerms, ContractInput } from './contract';
import { OpenSloAlertPolicy, OpenSloAlertRule, openSloDocuments, OpenSloDocument, OpenSloSli, OpenSloSlo } from './openslo';

/** The demo's notion → anthropic contract (apps/cli/src/demo.ts). */
const DEMO: ContractInput = {
  platform: 'notion', provider: 'anthropic', timeZone: 'America/New_York', targetPercent: '99.95',
  policy: { kind: 'DOWNTIME_MINUTES', errorRateThreshold: '0.05', minSamples: 1, minConsecutiveMinutes: 1 },
  creditTiers: [{ uptimeBelow: '99.95', creditPercent: '10' }, { uptimeBelow: '99.0', creditPercent: '25' }],
  monthlyFee: { amount: '48250.00', currency: 'USD' }, effectiveFrom: '2026-01-01T00:00:00Z',
};
const ID = 'ctr_0123456789abcdef';
const WEBHOOK = 'https://hooks.example.com/T000/B000/secret-path';

const exportOf = (input: ContractInput, rules: OpenSloAlertRule[] = [], version = 1) => {
  const terms = contractTerms(input);
  return openSloDocuments({ id: ID, version, inForceFrom: terms.effectiveFrom, terms }, rules);
};
const ofKind = <K extends OpenSloDocument['kind']>(documents: OpenSloDocument[], kind: K) =>
  documents.filter((d): d is Extract<OpenSloDocument, { kind: K }> => d.kind === kind);
const sloOf = (documents: OpenSloDocument[]): OpenSloSlo => ofKind(documents, 'SLO')[0]!;
const sliOf = (documents: OpenSloDocument[]): OpenSloSli => ofKind(documents, 'SLI')[0]!;
const burnRule = (overrides: Partial<OpenSloAlertRule> = {}): OpenSloAlertRule => ({
  id: 'rule_00112233aabbccdd', name: 'Anthropic budget', kind: 'BURN_RATE', contractId: ID, minSeverity: 'TICKET', format: 'JSON', enabled: true,
  ...overrides,
});

// The go-sdk's rules, which `oslo validate` applies (RFC 1123 names, annotation keys with a DNS-subdomain prefix).
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ANNOTATION_KEY = /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\/)?[a-zA-Z0-9]([-._a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;

describe('OpenSLO export of a contract', () => {
  it('writes the demo contract as a Service, an SLI and an SLO referring to each other', () => {
    const documents = exportOf(DEMO);
    expect(documents.map((d) => [d.apiVersion, d.kind, d.metadata.name])).toEqual([
      ['openslo/v1', 'Service', 'ctr-0123456789abcdef'],
      ['openslo/v1', 'SLI', 'ctr-0123456789abcdef-requests'],
      ['openslo/v1', 'SLO', 'ctr-0123456789abcdef-slo'],
    ]);
    const slo = sloOf(documents);
    expect(slo.spec.service).toBe('ctr-0123456789abcdef');
    expect(slo.spec.indicatorRef).toBe('ctr-0123456789abcdef-requests');
    expect(slo.spec.alertPolicies).toBeUndefined();
    expect(documents.every((d) => d.metadata.labels?.platform === 'notion' && d.metadata.labels.provider === 'anthropic')).toBe(true);
  });

  it('budgets DOWNTIME_MINUTES as one-minute time slices, good below the error-rate threshold', () => {
    const slo = sloOf(exportOf(DEMO));
    expect(slo.spec.budgetingMethod).toBe('Timeslices');
    const [objective] = slo.spec.objectives;
    expect([objective!.target.toFixed(), objective!.timeSliceTarget!.toFixed(), objective!.timeSliceWindow]).toEqual(['0.9995', '0.95', '1m']);
    expect(slo.spec.description).toContain('at least 1 eligible request and an error rate of at least 0.05, in a run of at least 1 such minute;');
    const strict = sloOf(exportOf({ ...DEMO, policy: { kind: 'DOWNTIME_MINUTES', errorRateThreshold: '0.1', minSamples: 5, minConsecutiveMinutes: 3 } }));
    expect(strict.spec.objectives[0]!.timeSliceTarget!.toFixed()).toBe('0.9');
    expect(strict.spec.description).toContain('at least 5 eligible requests and an error rate of at least 0.1, in a run of at least 3 such minutes;');
    expect(strict.metadata.annotations).toMatchObject({ 'sla-ledger.dev/min-samples': '5', 'sla-ledger.dev/min-consecutive-minutes': '3', 'sla-ledger.dev/error-rate-threshold': '0.1' });
  });

  it('budgets AVERAGE_ERROR_RATE as ratio time slices of its window', () => {
    const slo = (windowMinutes: number) => sloOf(exportOf({ ...DEMO, policy: { kind: 'AVERAGE_ERROR_RATE', windowMinutes } }));
    expect(slo(5).spec.budgetingMethod).toBe('RatioTimeslices');
    expect([5, 90, 60, 1_440].map((minutes) => slo(minutes).spec.objectives[0]!.timeSliceWindow)).toEqual(['5m', '90m', '1h', '1d']);
    expect(slo(5).spec.objectives[0]!.timeSliceTarget).toBeUndefined();
    expect(slo(5).metadata.annotations!['sla-ledger.dev/window-minutes']).toBe('5');
  });

  it('budgets REQUEST_SUCCESS_RATIO as occurrences of good requests', () => {
    const slo = sloOf(exportOf({ ...DEMO, policy: { kind: 'REQUEST_SUCCESS_RATIO' } }));
    expect(slo.spec.budgetingMethod).toBe('Occurrences');
    expect(slo.spec.objectives).toHaveLength(1);
    expect(Object.keys(slo.spec.objectives[0]!).sort()).toEqual(['displayName', 'target']);
    expect(slo.metadata.annotations!['sla-ledger.dev/window-minutes']).toBeUndefined();
  });

  it('keeps targets exact however many decimals they have, never through binary floats', () => {
    const target = (targetPercent: string) => sloOf(exportOf({ ...DEMO, targetPercent })).spec.objectives[0]!.target.toFixed();
    expect(target('99.9')).toBe('0.999');
    expect(target('100')).toBe('1');
    expect(target('0.00001')).toBe('0.0000001');
    expect(target('99.12345678901234567890123')).toBe('0.9912345678901234567890123');
    const threshold = sloOf(exportOf({ ...DEMO, policy: { kind: 'DOWNTIME_MINUTES', errorRateThreshold: '0.000000007' } })).spec.objectives[0]!;
    expect(threshold.timeSliceTarget!.toFixed()).toBe('0.999999993');
  });

  it('aligns the window to calendar months in the contract zone, from the month the terms start in', () => {
    // 2026-01-01T00:00Z is 31 December 19:00 in New York: the calendar starts with December.
    expect(sloOf(exportOf(DEMO)).spec.timeWindow).toEqual([{ duration: '1M', isRolling: false, calendar: { startTime: '2025-12-01 00:00:00', timeZone: 'America/New_York' } }]);
    const tokyo = sloOf(exportOf({ ...DEMO, timeZone: 'Asia/Tokyo', effectiveFrom: '2026-05-15T00:00:00Z' })).spec.timeWindow[0]!.calendar;
    expect(tokyo).toEqual({ startTime: '2026-05-01 00:00:00', timeZone: 'Asia/Tokyo' });
    expect(sloOf(exportOf({ ...DEMO, timeZone: undefined })).spec.timeWindow[0]!.calendar).toEqual({ startTime: '2026-01-01 00:00:00', timeZone: 'UTC' });
  });

  it('states the failure rules in the metric source: which outcomes and statuses are good, which are counted', () => {
    const strict = sliOf(exportOf({ ...DEMO, models: ['claude-sonnet-4-6', 'claude-opus-4-7'], countTimeouts: false, countRateLimited: true, errorStatuses: ['5XX', '408'] }));
    expect(strict.spec.ratioMetric.counter).toBe(false);
    expect(strict.spec.ratioMetric.total.metricSource).toEqual({
      type: 'SLALedger',
      spec: {
        contract: ID, platform: 'notion', provider: 'anthropic', models: 'claude-opus-4-7,claude-sonnet-4-6', countTimeouts: 'false', countRateLimited: 'true',
        errorStatuses: '408,5xx', counts: 'requests with outcome in (success, error, rate_limited)',
      },
    });
    expect(strict.spec.ratioMetric.good.metricSource.spec.counts).toBe('requests with outcome = success, or outcome = error whose httpStatus is missing or matches none of (408, 5xx)');
    expect(strict.spec.description).toContain('Failed: an error whose httpStatus matches one of 408, 5xx, every rate_limited.');

    const defaults = sliOf(exportOf(DEMO));
    expect(defaults.spec.ratioMetric.total.metricSource.spec).toMatchObject({ models: '*', countTimeouts: 'true', countRateLimited: 'false', errorStatuses: '*', counts: 'requests with outcome in (success, error, timeout)' });
    expect(defaults.spec.ratioMetric.good.metricSource.spec.counts).toBe('requests with outcome = success');
    expect(defaults.spec.description).toContain('Failed: every error, every timeout.');
  });

  it('annotates what OpenSLO cannot say: credit tiers, fee, minimum credit, claim window, the downtime test, maintenance', () => {
    const terms = { ...DEMO, minimumCredit: { amount: '1.00', currency: 'USD' }, claimWindowDays: 45, effectiveTo: '2027-01-01T05:00:00Z' };
    const annotations = sloOf(exportOf(terms, [], 3)).metadata.annotations!;
    expect(annotations).toEqual({
      'sla-ledger.dev/contract': ID,
      'sla-ledger.dev/contract-version': '3',
      'sla-ledger.dev/in-force-from': '2026-01-01T00:00:00.000Z',
      'sla-ledger.dev/effective-from': '2026-01-01T00:00:00.000Z',
      'sla-ledger.dev/effective-to': '2027-01-01T05:00:00.000Z',
      'sla-ledger.dev/policy': 'DOWNTIME_MINUTES',
      'sla-ledger.dev/target-percent': '99.95',
      'sla-ledger.dev/error-rate-threshold': '0.05',
      'sla-ledger.dev/min-samples': '1',
      'sla-ledger.dev/min-consecutive-minutes': '1',
      'sla-ledger.dev/credit-tiers': '[{"uptimeBelow":"99.95","creditPercent":"10"},{"uptimeBelow":"99.0","creditPercent":"25"}]',
      'sla-ledger.dev/monthly-fee': '48250.00 USD',
      'sla-ledger.dev/minimum-credit': '1.00 USD',
      'sla-ledger.dev/claim-window-days': '45',
      'sla-ledger.dev/maintenance-windows': 'excluded: minutes overlapping a maintenance window declared for the provider that applies to these models',
    });
    const bare = sloOf(exportOf({ ...DEMO, creditTiers: [] })).metadata.annotations!;
    expect([bare['sla-ledger.dev/credit-tiers'], bare['sla-ledger.dev/minimum-credit'], bare['sla-ledger.dev/effective-to']]).toEqual(['[]', 'none', 'none']);
  });

  it('writes one alert policy per burn-rate condition of each enabled rule of the contract, never its webhook', () => {
    const rules = [
      { ...burnRule(), webhookUrl: WEBHOOK },
      { ...burnRule({ id: 'rule_page', name: 'Pages only', minSeverity: 'PAGE', format: 'SLACK' }), webhookUrl: WEBHOOK },
      burnRule({ id: 'rule_off', enabled: false }),
      burnRule({ id: 'rule_other', contractId: 'ctr_another' }),
      burnRule({ id: 'rule_status', kind: 'MODEL_STATUS', contractId: null, minSeverity: 'partial_outage' }),
    ];
    const documents = exportOf(DEMO, rules);
    const policies: OpenSloAlertPolicy[] = ofKind(documents, 'AlertPolicy');
    const figures = policies.map((p) => {
      const { severity, condition } = p.spec.conditions[0]!.spec;
      return [p.metadata.name, severity, condition.op, condition.threshold.toFixed(), condition.lookbackWindow, p.metadata.annotations!['sla-ledger.dev/short-window']];
    });
    expect(figures).toEqual([
      ['rule-00112233aabbccdd-page-1h', 'page', 'gt', '14.4', '1h', '5m'],
      ['rule-00112233aabbccdd-page-6h', 'page', 'gt', '6', '6h', '30m'],
      ['rule-00112233aabbccdd-ticket-1d', 'ticket', 'gt', '3', '1d', '2h'],
      ['rule-00112233aabbccdd-ticket-3d', 'ticket', 'gt', '1', '3d', '6h'],
      ['rule-page-page-1h', 'page', 'gt', '14.4', '1h', '5m'],
      ['rule-page-page-6h', 'page', 'gt', '6', '6h', '30m'],
    ]);
    expect(policies.every((p) => p.spec.conditions.length === 1 && p.spec.conditions[0]!.spec.condition.kind === 'burnrate' && p.spec.conditions[0]!.spec.condition.alertAfter === '0m')).toBe(true);
    expect(policies.map((p) => p.spec.notificationTargets[0]!.spec.target)).toEqual(['webhook', 'webhook', 'webhook', 'webhook', 'slack', 'slack']);
    expect(policies[0]!.metadata.annotations).toMatchObject({ 'sla-ledger.dev/alert-rule': 'rule_00112233aabbccdd', 'sla-ledger.dev/alert-rule-name': 'Anthropic budget', 'sla-ledger.dev/resolve-after': '15m' });
    expect(sloOf(documents).spec.alertPolicies).toEqual(policies.map((p) => ({ alertPolicyRef: p.metadata.name })));
    expect(JSON.stringify(documents)).not.toContain('hooks.example.com');
  });

  it('names every object within OpenSLO limits, whatever the slugs', () => {
    const long = 'a'.repeat(55);
    const documents = exportOf({ ...DEMO, platform: `${long}-platform`, provider: `${long}-provider`, models: [`${long}.model_x`] }, [burnRule({ name: 'n'.repeat(200) })]);
    const metadata = documents.flatMap((d) => [d.metadata, ...(d.kind === 'AlertPolicy' ? [d.spec.conditions[0]!.metadata, d.spec.notificationTargets[0]!.metadata] : [])]);
    for (const m of metadata) {
      expect(m.name).toMatch(DNS_LABEL);
      expect(m.displayName.length).toBeLessThanOrEqual(63);
      for (const key of Object.keys(m.annotations ?? {})) expect(key).toMatch(ANNOTATION_KEY);
    }
    expect(documents.every((d) => d.spec.description.length <= 1_050)).toBe(true);
    expect(documents[0]!.metadata.displayName).toMatch(/…$/);
  });
});
