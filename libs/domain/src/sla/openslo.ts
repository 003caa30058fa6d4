import Decimal from 'decimal.js';
import { DateTime } from 'luxon';
import type { AlertRuleSettings } from '../alerts/alert-rule';
import { AlertSeverity, BURN_RATE_CONDITIONS, BURN_RATE_RESOLVE_MINUTES } from '../alerts/burn-rate';
import type { ContractTerms } from './contract';
import type { Money } from './money';

/**
 * A contract as OpenSLO v1 documents (docs/openslo.md): a Service, an SLI (good over eligible
 * requests under the contract's failure rules), an SLO (the target over calendar months in the
 * contract's zone) and an AlertPolicy per condition of each enabled BURN_RATE rule. What OpenSLO
 * has no field for (credit, fee, claim window, the downtime test's details) is written into
 * annotations under `sla-ledger.dev/`. Pure: serialising is the adapter's job.
 */

export const OPENSLO_API_VERSION = 'openslo/v1';
/** The prefix of every annotation key this export writes (a DNS subdomain, as OpenSLO asks). */
export const OPENSLO_ANNOTATION_PREFIX = 'sla-ledger.dev/';
/** The `metricSource.type` naming SLA Ledger as the place the counts come from. */
export const OPENSLO_METRIC_SOURCE_TYPE = 'SLALedger';

/** Multiplications and subtractions of contract figures stay exact: no rounding at any length. */
const Exact = Decimal.clone({ precision: 1e9 });

/** OpenSLO caps names (RFC 1123 labels) and display names at 63 characters. */
const NAME_MAX = 63;
/** …and descriptions at 1,050. */
const DESCRIPTION_MAX = 1_050;

export interface OpenSloMetadata {
  name: string;
  displayName: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface OpenSloObject<Kind extends string, Spec> {
  apiVersion: typeof OPENSLO_API_VERSION;
  kind: Kind;
  metadata: OpenSloMetadata;
  spec: Spec;
}

/** Where the SLI's counts come from; every value a string, so any OpenSLO reader takes them. */
export interface OpenSloMetricSource {
  metricSource: { type: typeof OPENSLO_METRIC_SOURCE_TYPE; spec: Record<string, string> };
}

export type OpenSloBudgetingMethod = 'Occurrences' | 'Timeslices' | 'RatioTimeslices';

/** Numbers are exact decimals (Decimal), written as plain numbers by the serialiser. */
export interface OpenSloObjective {
  displayName: string;
  target: Decimal;
  timeSliceTarget?: Decimal;
  timeSliceWindow?: string;
}

export interface OpenSloAlertCondition {
  kind: 'AlertCondition';
  metadata: OpenSloMetadata;
  spec: {
    description: string;
    severity: string;
    condition: { kind: 'burnrate'; op: 'gt'; threshold: Decimal; lookbackWindow: string; alertAfter: string };
  };
}

export interface OpenSloNotificationTarget {
  kind: 'AlertNotificationTarget';
  metadata: OpenSloMetadata;
  spec: { target: string; description: string };
}

export type OpenSloService = OpenSloObject<'Service', { description: string }>;
export type OpenSloSli = OpenSloObject<'SLI', {
  description: string;
  ratioMetric: { counter: boolean; good: OpenSloMetricSource; total: OpenSloMetricSource };
}>;
export type OpenSloSlo = OpenSloObject<'SLO', {
  description: string;
  service: string;
  indicatorRef: string;
  timeWindow: { duration: string; isRolling: boolean; calendar: { startTime: string; timeZone: string } }[];
  budgetingMethod: OpenSloBudgetingMethod;
  objectives: OpenSloObjective[];
  alertPolicies?: { alertPolicyRef: string }[];
}>;
export type OpenSloAlertPolicy = OpenSloObject<'AlertPolicy', {
  description: string;
  alertWhenNoData: boolean;
  alertWhenResolved: boolean;
  alertWhenBreaching: boolean;
  conditions: OpenSloAlertCondition[];
  notificationTargets: OpenSloNotificationTarget[];
}>;
export type OpenSloDocument = OpenSloService | OpenSloSli | OpenSloSlo | OpenSloAlertPolicy;

/** The contract version exported: its id, version, the instant it takes effect and its terms. */
export interface OpenSloContract {
  id: string;
  version: number;
  inForceFrom: number;
  terms: ContractTerms;
}

/** What the export reads of an alert rule: never its webhook's address nor its secret. */
export interface OpenSloAlertRule extends Pick<AlertRuleSettings, 'name' | 'kind' | 'contractId' | 'minSeverity' | 'format' | 'enabled'> {
  id: string;
}

/**
 * The contract's OpenSLO documents, in order: Service, SLI, SLO, then one AlertPolicy per
 * condition of each enabled BURN_RATE rule of this contract (OpenSLO allows one condition per
 * policy), rules in the order given. Other rules are ignored.
 */
export function openSloDocuments(contract: OpenSloContract, rules: readonly OpenSloAlertRule[]): OpenSloDocument[] {
  const names = namesOf(contract.id);
  const labels = { platform: contract.terms.platform, provider: contract.terms.provider };
  const alertPolicies = rules
    .filter((rule) => rule.kind === 'BURN_RATE' && rule.enabled && rule.contractId === contract.id)
    .flatMap((rule) => burnRatePolicies(rule, labels));
  return [serviceOf(contract, names, labels), sliOf(contract, names, labels), sloOf(contract, names, labels, alertPolicies), ...alertPolicies];
}

interface Names {
  service: string;
  sli: string;
  slo: string;
}

function namesOf(contractId: string): Names {
  const base = dnsLabel(contractId, NAME_MAX - '-requests'.length);
  return { service: base, sli: `${base}-requests`, slo: `${base}-slo` };
}

function serviceOf(contract: OpenSloContract, names: Names, labels: Record<string, string>): OpenSloService {
  const { platform, provider } = contract.terms;
  return {
    apiVersion: OPENSLO_API_VERSION,
    kind: 'Service',
    metadata: { name: names.service, displayName: capped(`${provider} for ${platform}`, NAME_MAX), labels, annotations: annotations({ contract: contract.id }) },
    spec: { description: capped(`${provider} as ${platform} uses it (${modelsInWords(contract.terms.models)}), under SLA Ledger contract ${contract.id} version ${contract.version}.`, DESCRIPTION_MAX) },
  };
}

function sliOf(contract: OpenSloContract, names: Names, labels: Record<string, string>): OpenSloSli {
  const { terms } = contract;
  const source = (counts: string): OpenSloMetricSource => ({
    metricSource: {
      type: OPENSLO_METRIC_SOURCE_TYPE,
      spec: {
        contract: contract.id,
        platform: terms.platform,
        provider: terms.provider,
        models: terms.models.length === 0 ? '*' : terms.models.join(','),
        countTimeouts: String(terms.countTimeouts),
        countRateLimited: String(terms.countRateLimited),
        errorStatuses: terms.errorStatuses === null ? '*' : terms.errorStatuses.join(','),
        counts,
      },
    },
  });
  return {
    apiVersion: OPENSLO_API_VERSION,
    kind: 'SLI',
    metadata: { name: names.sli, displayName: capped(`Requests that did not fail, ${terms.platform} → ${terms.provider}`, NAME_MAX), labels, annotations: annotations({ contract: contract.id }) },
    spec: {
      description: capped(
        `Eligible requests of ${terms.platform} to ${terms.provider} (${modelsInWords(terms.models)}) that did not fail, over all eligible requests, per minute summed over the models. ` +
          `Eligible: ${eligibleOutcomes(terms).join(', ')}; client_error never${terms.countTimeouts ? '' : ', timeout not (countTimeouts: false)'}${terms.countRateLimited ? '' : ', rate_limited not (countRateLimited: false)'}. ` +
          `Failed: ${failureInWords(terms)}.`,
        DESCRIPTION_MAX,
      ),
      ratioMetric: { counter: false, good: source(goodCounts(terms)), total: source(`requests with outcome in (${eligibleOutcomes(terms).join(', ')})`) },
    },
  };
}

/** The outcomes that are eligible under the contract's failure rules (concepts §6). */
function eligibleOutcomes(terms: ContractTerms): string[] {
  return ['success', 'error', ...(terms.countTimeouts ? ['timeout'] : []), ...(terms.countRateLimited ? ['rate_limited'] : [])];
}

/** Good requests: successes, plus errors whose status the contract does not count as a failure. */
function goodCounts(terms: ContractTerms): string {
  if (terms.errorStatuses === null) return 'requests with outcome = success';
  return `requests with outcome = success, or outcome = error whose httpStatus is missing or matches none of (${terms.errorStatuses.join(', ')})`;
}

function failureInWords(terms: ContractTerms): string {
  const errors = terms.errorStatuses === null ? 'every error' : `an error whose httpStatus matches one of ${terms.errorStatuses.join(', ')}`;
  return [errors, ...(terms.countTimeouts ? ['every timeout'] : []), ...(terms.countRateLimited ? ['every rate_limited'] : [])].join(', ');
}

function modelsInWords(models: readonly string[]): string {
  return models.length === 0 ? 'every model' : `models ${models.join(', ')}`;
}

/** How each policy is budgeted in OpenSLO (docs/openslo.md § Policies). */
function objectiveOf(terms: ContractTerms): { budgetingMethod: OpenSloBudgetingMethod; objective: OpenSloObjective; rule: string } {
  const target = fractionOfPercent(terms.targetPercent);
  const { policy } = terms;
  switch (policy.kind) {
    case 'DOWNTIME_MINUTES':
      return {
        budgetingMethod: 'Timeslices',
        // A minute is good when its share of good requests exceeds 1 − threshold (its error rate is below the threshold).
        objective: { displayName: capped(`${terms.targetPercent} % of minutes up`, NAME_MAX), target, timeSliceTarget: new Exact(1).minus(policy.errorRateThreshold), timeSliceWindow: '1m' },
        rule:
          `the share of eligible minutes that are not downtime must be at least ${terms.targetPercent} %. A minute is down when it has at least ${counted(policy.minSamples, 'eligible request')} ` +
          `and an error rate of at least ${policy.errorRateThreshold}, in a run of at least ${counted(policy.minConsecutiveMinutes, 'such minute')}; minutes without requests are up`,
      };
    case 'AVERAGE_ERROR_RATE':
      return {
        budgetingMethod: 'RatioTimeslices',
        objective: { displayName: capped(`${terms.targetPercent} % mean of ${durationShorthand(policy.windowMinutes)} windows`, NAME_MAX), target, timeSliceWindow: durationShorthand(policy.windowMinutes) },
        rule:
          `100 % minus the mean error rate of consecutive ${policy.windowMinutes}-minute windows from the month's start (the last may be shorter; a window without ` +
          `eligible requests counts as 0 % errors) must be at least ${terms.targetPercent} %`,
      };
    case 'REQUEST_SUCCESS_RATIO':
      return {
        budgetingMethod: 'Occurrences',
        objective: { displayName: capped(`${terms.targetPercent} % of requests succeed`, NAME_MAX), target },
        rule: `the share of eligible requests that did not fail must be at least ${terms.targetPercent} %`,
      };
  }
}

function sloOf(contract: OpenSloContract, names: Names, labels: Record<string, string>, alertPolicies: readonly OpenSloAlertPolicy[]): OpenSloSlo {
  const { terms } = contract;
  const { budgetingMethod, objective, rule } = objectiveOf(terms);
  return {
    apiVersion: OPENSLO_API_VERSION,
    kind: 'SLO',
    metadata: { name: names.slo, displayName: capped(`${terms.platform} → ${terms.provider} ${terms.targetPercent} % a month`, NAME_MAX), labels, annotations: contractAnnotations(contract) },
    spec: {
      description: capped(
        `SLA Ledger contract ${contract.id} version ${contract.version}, ${terms.policy.kind}: in each calendar month (${terms.timeZone}), ${rule}. Minutes outside the ` +
          `contract's term or in a maintenance window are excluded. Credit tiers, fee and claim window are in the ${OPENSLO_ANNOTATION_PREFIX} annotations.`,
        DESCRIPTION_MAX,
      ),
      service: names.service,
      indicatorRef: names.sli,
      timeWindow: [{ duration: '1M', isRolling: false, calendar: { startTime: monthStartOf(terms.effectiveFrom, terms.timeZone), timeZone: terms.timeZone } }],
      budgetingMethod,
      objectives: [objective],
      ...(alertPolicies.length === 0 ? {} : { alertPolicies: alertPolicies.map((policy) => ({ alertPolicyRef: policy.metadata.name })) }),
    },
  };
}

/** Everything in the terms that OpenSLO has no field for, each value a string. */
function contractAnnotations(contract: OpenSloContract): Record<string, string> {
  const { terms } = contract;
  const policyParameters: Record<string, string> = {
    'error-rate-threshold': terms.policy.errorRateThreshold,
    'min-samples': String(terms.policy.minSamples),
    'min-consecutive-minutes': String(terms.policy.minConsecutiveMinutes),
    ...(terms.policy.kind === 'AVERAGE_ERROR_RATE' ? { 'window-minutes': String(terms.policy.windowMinutes) } : {}),
  };
  return annotations({
    contract: contract.id,
    'contract-version': String(contract.version),
    'in-force-from': new Date(contract.inForceFrom).toISOString(),
    'effective-from': new Date(terms.effectiveFrom).toISOString(),
    'effective-to': terms.effectiveTo === null ? 'none' : new Date(terms.effectiveTo).toISOString(),
    policy: terms.policy.kind,
    'target-percent': terms.targetPercent,
    ...policyParameters,
    'credit-tiers': JSON.stringify(terms.creditTiers.map(({ uptimeBelow, creditPercent }) => ({ uptimeBelow, creditPercent }))),
    'monthly-fee': moneyText(terms.monthlyFee),
    'minimum-credit': terms.minimumCredit === null ? 'none' : moneyText(terms.minimumCredit),
    'claim-window-days': String(terms.claimWindowDays),
    'maintenance-windows': 'excluded: minutes overlapping a maintenance window declared for the provider that applies to these models',
  });
}

/** One AlertPolicy per condition the rule evaluates: all four for TICKET, the two PAGE ones for PAGE. */
function burnRatePolicies(rule: OpenSloAlertRule, labels: Record<string, string>): OpenSloAlertPolicy[] {
  const base = dnsLabel(rule.id, NAME_MAX - '-ticket-3d-condition'.length);
  const conditions = BURN_RATE_CONDITIONS.filter((c) => rule.minSeverity === 'TICKET' || c.severity === 'PAGE');
  return conditions.map((condition) => {
    const long = durationShorthand(condition.longMinutes);
    const short = durationShorthand(condition.shortMinutes);
    const name = `${base}-${condition.severity.toLowerCase()}-${long}`;
    const summary = `${condition.severity}: burn rate > ${condition.burnAbove} over ${long} and ${short}`;
    return {
      apiVersion: OPENSLO_API_VERSION,
      kind: 'AlertPolicy',
      metadata: {
        name,
        displayName: capped(summary, NAME_MAX),
        labels,
        annotations: annotations({
          'alert-rule': rule.id,
          'alert-rule-name': rule.name,
          'min-severity': rule.minSeverity,
          'long-window': long,
          'short-window': short,
          'resolve-after': durationShorthand(BURN_RATE_RESOLVE_MINUTES),
        }),
      },
      spec: {
        description: capped(
          `SLA Ledger alert rule ${rule.id} (${JSON.stringify(rule.name)}): fires when the burn rate is greater than ${condition.burnAbove} over both the last ${long} ` +
            `and the last ${short} (OpenSLO has one lookback window: the short one is the ${OPENSLO_ANNOTATION_PREFIX}short-window annotation); a TICKET episode escalates ` +
            `to a PAGE when a PAGE condition holds; it resolves ${BURN_RATE_RESOLVE_MINUTES} minutes after the last minute a condition held.`,
          DESCRIPTION_MAX,
        ),
        alertWhenNoData: false,
        alertWhenResolved: true,
        alertWhenBreaching: true,
        conditions: [{
          kind: 'AlertCondition',
          metadata: { name: `${name}-condition`, displayName: capped(summary, NAME_MAX) },
          spec: {
            description: `Burn rate greater than ${condition.burnAbove} over the last ${long}, and over the last ${short} as well.`,
            severity: severityName(condition.severity),
            condition: { kind: 'burnrate', op: 'gt', threshold: new Exact(condition.burnAbove), lookbackWindow: long, alertAfter: '0m' },
          },
        }],
        notificationTargets: [{
          kind: 'AlertNotificationTarget',
          metadata: { name: `${base}-webhook`, displayName: capped(`${rule.name} webhook`, NAME_MAX) },
          // The endpoint and its signing secret are deliberately not exported.
          spec: { target: rule.format === 'SLACK' ? 'slack' : 'webhook', description: `SLA Ledger's signed ${rule.format} webhook of rule ${rule.id}; its address is not exported.` },
        }],
      },
    };
  });
}

const severityName = (severity: AlertSeverity): string => severity.toLowerCase();

/** `targetPercent` as a fraction, exactly: "99.95" → 0.9995. */
function fractionOfPercent(percent: string): Decimal {
  return new Exact(percent).times('0.01');
}

/** Whole minutes as an OpenSLO duration shorthand in the largest unit that divides them: 5m, 6h, 3d. */
function durationShorthand(minutes: number): string {
  if (minutes % 1_440 === 0) return `${minutes / 1_440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** The first month of the calendar: local midnight on the 1st of the month the terms start in, as OpenSLO writes it (no zone). */
function monthStartOf(instant: number, timeZone: string): string {
  return DateTime.fromMillis(instant, { zone: timeZone }).startOf('month').toFormat('yyyy-MM-dd HH:mm:ss');
}

/** An RFC 1123 label from an id such as `ctr_0123…`: lower case, runs of other characters as one "-", at most `max` long. */
function dnsLabel(text: string, max = NAME_MAX): string {
  const label = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, max).replace(/^-+|-+$/g, '');
  return label === '' ? 'x' : label;
}

function annotations(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).map(([key, value]) => [`${OPENSLO_ANNOTATION_PREFIX}${key}`, value]));
}

function moneyText(money: Money): string {
  return `${money.amount} ${money.currency}`;
}

/** "1 eligible request", "5 eligible requests". */
function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Text cut to `max` characters, ending in "…" when it was cut. */
function capped(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
