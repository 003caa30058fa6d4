import fc from 'fast-check';
import { DateTime } from 'luxon';
import { seededRandom } from '@ledger/domain';
import { MINOR_DIGITS, Rational } from './sla-oracle';
import type { HistoryStep, MaintenanceInput, Outcome, PolicyInput, PostedEvent, TermsInput } from './sla-oracle';

/**
 * Random SLA worlds for the oracle test (test/sla-oracle.e2e-spec.ts): groups of contracts on
 * one provider and one month, each with a version history, the provider's maintenance windows
 * and sparse traffic from two platforms, bunched around the instants where the rules change
 * (period bounds in each zone, contract starts, ends and amendments, maintenance edges).
 *
 * fast-check draws every choice that shapes a case (terms, histories, windows, bursts); the
 * requests inside a burst (outcomes, seconds) come from a small PRNG seeded by fast-check, so a
 * run is reproduced by its seed alone.
 */

export const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata', 'Asia/Kathmandu'] as const;
/** Past months (and one future leap February); DST months: 2026-03 and 2026-11 in New York, 2026-03 and 2026-10 in Berlin, 2026-04 and 2026-10 in Sydney. */
export const LABELS = ['2026-03', '2026-10', '2026-11', '2026-04', '2024-02', '2028-02', '2026-06', '2026-01', '2025-12', '2026-09'] as const;
/** Models with traffic; contracts name some of them (or none: all), "m-x" has no traffic at all. */
export const TRAFFIC_MODELS = ['m-a', 'm-b', 'm-c', 'm-d'] as const;
const CONTRACT_MODELS = ['m-a', 'm-b', 'm-c', 'm-x'] as const;
const KINDS = ['DOWNTIME_MINUTES', 'AVERAGE_ERROR_RATE', 'REQUEST_SUCCESS_RATIO'] as const;
export const CHANGES = ['target', 'policy', 'models', 'tiers', 'zone', 'countRateLimited', 'countTimeouts', 'errorStatuses', 'minimumCredit'] as const;
type Change = (typeof CHANGES)[number];
type Kind = (typeof KINDS)[number];
type Zone = (typeof ZONES)[number];
type MaintenanceKind = 'inside' | 'crossStart' | 'crossEnd' | 'overlapPair' | 'overBad';
/** errorStatuses entries a contract may name ("5XX": entries are case-insensitive). */
const ERROR_STATUS_ENTRIES = ['5xx', '4xx', '500', '503', '529', '404', '5XX'] as const;
/** The statuses of a burst's errors: any mix (null: none), or one kind, so that whole minutes fail under one contract's errorStatuses and not another's. */
const MIXED_ERROR_STATUSES = [null, 500, 502, 503, 529, 404, 400, 429, 504] as const;
const ERROR_STATUS_POOLS: readonly (readonly (number | null)[])[] = [MIXED_ERROR_STATUSES, MIXED_ERROR_STATUSES, [503], [529], [null], [404], [500, 502]];
/** Statuses other outcomes carry now and then: they must not count as errors' statuses. */
const OTHER_STATUSES: Record<Exclude<Outcome, 'error'>, readonly (number | null)[]> = {
  success: [null, 200], timeout: [null, 504, 408], rate_limited: [null, 429], client_error: [null, 400, 404, 422],
};

/**
 * How a contract's minimumCredit is set; the amount is worked out from its fee and tiers when
 * the terms are built: a fixed number of minor units, the whole fee (above any credit short of
 * 100 %), or one tier's credit give or take a minor unit (either side of the boundary).
 */
type MinimumCreditDraw = { of: 'minorUnits'; units: number } | { of: 'fee' } | { of: 'tierCredit'; tier: number; plusMinorUnits: -1 | 0 | 1 };

/** A row of the fixed case table: what the first contract of its group must be. */
export interface CaseRow {
  name: string;
  label?: (typeof LABELS)[number];
  zone?: Zone;
  policy?: Kind;
  countRateLimited?: boolean;
  countTimeouts?: boolean;
  /** null: every error counts; left out: drawn. */
  errorStatuses?: string[] | null;
  minimumCredit?: MinimumCreditDraw | null;
  modelSubset?: boolean;
  start?: StartKind;
  end?: EndKind;
  amend?: Change;
  late?: boolean;
  maintenance?: MaintenanceKind[];
  /** Four credit tiers, and a half-hour outage on every model: the uptime falls below several tiers. */
  outage?: boolean;
}

export const CASE_TABLE: CaseRow[] = [
  { name: 'downtime, New York spring forward', label: '2026-03', zone: 'America/New_York', policy: 'DOWNTIME_MINUTES', countRateLimited: true, modelSubset: true },
  { name: 'average, New York fall back', label: '2026-11', zone: 'America/New_York', policy: 'AVERAGE_ERROR_RATE', countRateLimited: false, modelSubset: false },
  { name: 'ratio, Berlin spring forward', label: '2026-03', zone: 'Europe/Berlin', policy: 'REQUEST_SUCCESS_RATIO', countRateLimited: true },
  { name: 'downtime, Berlin fall back, maintenance', label: '2026-10', zone: 'Europe/Berlin', policy: 'DOWNTIME_MINUTES', modelSubset: false, maintenance: ['crossStart', 'overlapPair', 'overBad'] },
  { name: 'Sydney fall back (April)', label: '2026-04', zone: 'Australia/Sydney', maintenance: ['crossEnd'] },
  { name: 'Sydney spring forward (October)', label: '2026-10', zone: 'Australia/Sydney', policy: 'DOWNTIME_MINUTES' },
  { name: 'Kolkata', label: '2026-06', zone: 'Asia/Kolkata', policy: 'AVERAGE_ERROR_RATE' },
  { name: 'Kathmandu', label: '2026-09', zone: 'Asia/Kathmandu', policy: 'DOWNTIME_MINUTES', maintenance: ['crossStart'] },
  { name: 'UTC', label: '2026-01', zone: 'UTC', policy: 'REQUEST_SUCCESS_RATIO', countRateLimited: false },
  { name: 'February 2028 (leap, ahead)', label: '2028-02', zone: 'UTC', policy: 'DOWNTIME_MINUTES', maintenance: ['inside'] },
  { name: 'February 2024 (leap)', label: '2024-02', zone: 'Asia/Kolkata', policy: 'DOWNTIME_MINUTES' },
  { name: 'starts mid-period', start: 'mid', policy: 'DOWNTIME_MINUTES' },
  { name: 'ends mid-period', end: 'mid', policy: 'AVERAGE_ERROR_RATE' },
  { name: 'amended target', amend: 'target', policy: 'DOWNTIME_MINUTES' },
  { name: 'amended policy', amend: 'policy' },
  { name: 'amended models', amend: 'models' },
  { name: 'amended tiers', amend: 'tiers', policy: 'REQUEST_SUCCESS_RATIO' },
  { name: 'amended zone', amend: 'zone' },
  { name: 'below several credit tiers', policy: 'REQUEST_SUCCESS_RATIO', label: '2026-09', outage: true, countTimeouts: true, errorStatuses: null, minimumCredit: null },
  { name: 'timeouts not counted, 5xx errors only', policy: 'DOWNTIME_MINUTES', countTimeouts: false, errorStatuses: ['5xx'] },
  { name: 'listed error statuses, average', policy: 'AVERAGE_ERROR_RATE', errorStatuses: ['404', '503', '529'] },
  // A minimum one minor unit above the 25 % tier's credit: it zeroes that credit and the smaller ones, not the 100 % one.
  {
    name: 'minimum credit just above the credit', policy: 'REQUEST_SUCCESS_RATIO', label: '2026-01', outage: true, countTimeouts: true, errorStatuses: null,
    minimumCredit: { of: 'tierCredit', tier: 2, plusMinorUnits: 1 },
  },
  { name: 'late events, downtime', late: true, policy: 'DOWNTIME_MINUTES', label: '2026-06' },
  { name: 'late events, ratio', late: true, policy: 'REQUEST_SUCCESS_RATIO', label: '2025-12', zone: 'America/New_York' },
];

// ---------------------------------------------------------------------------------------------
// Draws

interface TermsDraw {
  zone: Zone;
  policy: PolicyInput;
  countRateLimited: boolean | undefined;
  /** undefined: left out of the input (the default). */
  countTimeouts: boolean | undefined;
  errorStatuses: string[] | null | undefined;
  minimumCredit: MinimumCreditDraw | null | undefined;
  models: string[];
  target: string;
  tiers: { uptimeBelow: string; creditPercent: string }[];
  fee: { amount: string; currency: string };
  claimWindowDays: number | undefined;
}

type StartKind = 'longBefore' | 'periodStart' | 'mid' | 'after';
type EndKind = 'none' | 'mid' | 'after';

interface AmendDraw {
  when: 'before' | 'mid' | 'after';
  changes: Change[];
  alt: TermsDraw;
}

interface ContractDraw {
  terms: TermsDraw;
  start: StartKind;
  end: EndKind;
  amendments: AmendDraw[];
  late: boolean;
  /** Seeds the instants (days, hours, seconds) of the history. */
  timing: number;
}

interface BurstDraw {
  /** Where: a fraction of the UTC month ± a day, or an anchor (an instant where rules change) by index. */
  at: { free: number } | { anchor: number; before: number };
  minutes: number;
  perMinute: number;
  failP: number;
  models: string[];
  platform: 0 | 1;
  errorStatuses: readonly (number | null)[];
}

interface MaintenanceDraw {
  kind: MaintenanceKind;
  models: string[];
  /** Seeds the window's instants. */
  timing: number;
}

export interface GroupDraw {
  row: CaseRow | null;
  label: (typeof LABELS)[number];
  contracts: ContractDraw[];
  maintenance: MaintenanceDraw[];
  bursts: BurstDraw[];
  anchorBursts: number;
  seed: number;
}

const SEVERAL_TIERS = [
  { uptimeBelow: '99.99', creditPercent: '5' }, { uptimeBelow: '99.9', creditPercent: '10.005' },
  { uptimeBelow: '99', creditPercent: '25' }, { uptimeBelow: '10', creditPercent: '100' },
];
const TIER_BOUNDS = ['99.99', '99.95', '99.9', '99.5', '99', '98.5', '97', '95', '90', '50'];
const TIER_PERCENTS = ['5', '10', '10.005', '12.345', '25', '33.335', '50', '66.665', '100'];
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });

function policyArb(kind?: Kind): fc.Arbitrary<PolicyInput> {
  return fc
    .record({
      kind: kind === undefined ? fc.constantFrom(...KINDS) : fc.constant(kind),
      errorRateThreshold: opt(fc.constantFrom('0.05', '0.1', '0.25', '0.5', '1', '0.333333333', '0.01')),
      minSamples: opt(fc.constantFrom(1, 2, 3, 5)),
      minConsecutiveMinutes: opt(fc.constantFrom(1, 2, 3, 5)),
      windowMinutes: opt(fc.constantFrom(1, 5, 7, 60, 1440, 1000)),
    })
    .map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as PolicyInput);
}

const tiersArb = fc
  .tuple(fc.subarray(TIER_BOUNDS, { maxLength: 4 }), fc.subarray(TIER_PERCENTS, { maxLength: 4 }))
  .map(([bounds, percents]) => {
    const n = Math.min(bounds.length, percents.length);
    // Bounds highest first, percents growing as uptime falls (the service refuses other tables).
    return bounds.slice(0, n).map((uptimeBelow, i) => ({ uptimeBelow, creditPercent: percents[i]! }));
  });

const feeArb = fc.oneof(
  fc.record({ amount: fc.integer({ min: 0, max: 10_000_000 }).map((c) => (c / 100).toFixed(2)), currency: fc.constantFrom('USD', 'EUR') }),
  fc.record({ amount: fc.integer({ min: 1, max: 5_000_000 }).map(String), currency: fc.constant('JPY') }),
  fc.record({ amount: fc.constantFrom('1000', '999.9', '0.01'), currency: fc.constant('USD') }),
);

/** Mostly none (left out, or null), else one to three entries. */
const errorStatusesArb: fc.Arbitrary<string[] | null | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.subarray([...ERROR_STATUS_ENTRIES], { minLength: 1, maxLength: 3 }) },
);

const minimumCreditArb: fc.Arbitrary<MinimumCreditDraw | null | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.record({ of: fc.constant('minorUnits' as const), units: fc.constantFrom(0, 1, 100, 250_000) }) },
  { weight: 1, arbitrary: fc.constant({ of: 'fee' as const }) },
  { weight: 3, arbitrary: fc.record({ of: fc.constant('tierCredit' as const), tier: fc.nat({ max: 3 }), plusMinorUnits: fc.constantFrom(-1 as const, 0 as const, 1 as const) }) },
);

function termsArb(row: CaseRow | null): fc.Arbitrary<TermsDraw> {
  const modelsArb: fc.Arbitrary<string[]> =
    row?.modelSubset === true ? fc.subarray([...CONTRACT_MODELS], { minLength: 1 }) : row?.modelSubset === false ? fc.constant<string[]>([]) : fc.oneof(fc.constant<string[]>([]), fc.subarray([...CONTRACT_MODELS], { minLength: 1 }));
  return fc.record<TermsDraw>({
    zone: row?.zone !== undefined ? fc.constant(row.zone) : fc.constantFrom(...ZONES),
    policy: policyArb(row?.policy),
    countRateLimited: row?.countRateLimited !== undefined ? fc.constant(row.countRateLimited) : opt(fc.boolean()),
    countTimeouts: row?.countTimeouts !== undefined ? fc.constant(row.countTimeouts) : opt(fc.boolean()),
    errorStatuses: row?.errorStatuses !== undefined ? fc.constant(row.errorStatuses) : errorStatusesArb,
    minimumCredit: row?.minimumCredit !== undefined ? fc.constant(row.minimumCredit) : minimumCreditArb,
    models: modelsArb,
    target: fc.constantFrom('99.9', '99.95', '99', '95', '100', '99.99', '97.5', '99.123', '50', '99.90'),
    tiers: row?.outage ? fc.constant(SEVERAL_TIERS) : tiersArb,
    fee: feeArb,
    claimWindowDays: opt(fc.constantFrom(1, 30, 45, 90, 365)),
  });
}

function contractArb(row: CaseRow | null): fc.Arbitrary<ContractDraw> {
  const amendArb = fc.record({ when: fc.constantFrom('before', 'mid', 'mid', 'after'), changes: fc.subarray([...CHANGES], { minLength: 1 }), alt: termsArb(null) }) as fc.Arbitrary<AmendDraw>;
  return fc.record({
    terms: termsArb(row),
    // A case-table row keeps what it asks for: it starts before its period and is amended only as the row says.
    start:
      row?.start !== undefined ? fc.constant(row.start)
      : row !== null ? (fc.constantFrom('longBefore', 'periodStart') as fc.Arbitrary<StartKind>)
      : (fc.constantFrom('longBefore', 'longBefore', 'longBefore', 'periodStart', 'mid', 'after') as fc.Arbitrary<StartKind>),
    end:
      row?.end !== undefined ? fc.constant(row.end)
      : row !== null ? (fc.constantFrom('none', 'after') as fc.Arbitrary<EndKind>)
      : (fc.constantFrom('none', 'none', 'none', 'mid', 'after') as fc.Arbitrary<EndKind>),
    amendments:
      row?.amend !== undefined ? termsArb(null).map((alt) => [{ when: 'mid' as const, changes: [row.amend!], alt }])
      : row !== null ? fc.constant([])
      : fc.array(amendArb, { maxLength: 2 }),
    late: row?.late !== undefined ? fc.constant(row.late) : fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
    timing: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  });
}

const burstArb: fc.Arbitrary<BurstDraw> = fc.record({
  at: fc.oneof(
    fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }).map((free) => ({ free })),
    fc.record({ anchor: fc.nat(), before: fc.integer({ min: 0, max: 4 }) }),
  ),
  minutes: fc.integer({ min: 1, max: 25 }),
  perMinute: fc.integer({ min: 1, max: 6 }),
  failP: fc.constantFrom(0, 0.02, 0.1, 0.3, 0.6, 1),
  models: fc.subarray([...TRAFFIC_MODELS], { minLength: 1 }),
  platform: fc.constantFrom(0 as const, 1 as const),
  errorStatuses: fc.constantFrom(...ERROR_STATUS_POOLS),
});

const maintenanceArb = (kind?: MaintenanceKind): fc.Arbitrary<MaintenanceDraw> =>
  fc.record({
    kind: kind !== undefined ? fc.constant(kind) : (fc.constantFrom('inside', 'crossStart', 'crossEnd', 'overlapPair', 'overBad') as fc.Arbitrary<MaintenanceKind>),
    models: kind !== undefined ? fc.constant([]) : fc.constantFrom([], [], ['m-a'], ['m-c', 'm-d']),
    timing: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  });

export function groupArb(row: CaseRow | null): fc.Arbitrary<GroupDraw> {
  return fc.record({
    row: fc.constant(row),
    label: row?.label !== undefined ? fc.constant(row.label) : fc.constantFrom(...LABELS),
    // A case-table row: its contract, and one random companion; a random group: one to three.
    contracts: row !== null ? fc.tuple(contractArb(row), contractArb(null)).map((c) => [...c]) : fc.array(contractArb(null), { minLength: 1, maxLength: 3 }),
    maintenance:
      row?.maintenance !== undefined ? fc.tuple(...row.maintenance.map((k) => maintenanceArb(k))).map((m) => [...m]) : fc.array(maintenanceArb(), { maxLength: 3 }),
    bursts: fc.array(burstArb, { minLength: 3, maxLength: 12 }),
    anchorBursts: fc.integer({ min: 4, max: 12 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  });
}

// ---------------------------------------------------------------------------------------------
// Building a group from its draws


const MINUTE = 60_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function localPeriod(label: string, zone: string): { start: number; end: number } {
  const [y, m] = label.split('-').map(Number) as [number, number];
  const start = DateTime.fromObject({ year: y, month: m, day: 1 }, { zone });
  return { start: start.toMillis(), end: start.plus({ months: 1 }).toMillis() };
}

export interface BuiltContract {
  history: HistoryStep[];
  /** Issue a statement for the period, then post late events. */
  late: boolean;
  /** The model a late event should use to fall inside the contract's final scope. */
  lateModel: string;
  platform: string;
  row: string | null;
}

export interface BuiltGroup {
  row: string | null;
  label: string;
  provider: string;
  platforms: [string, string];
  contracts: BuiltContract[];
  maintenance: MaintenanceInput[];
  events: PostedEvent[];
  /** Posted after the statements: in scope of the late contracts, out of scope, and duplicates of earlier ids. */
  lateEvents: PostedEvent[];
}

/** A minimumCredit draw as an amount in the fee's currency (never negative). */
function minimumCreditOf(draw: MinimumCreditDraw, d: TermsDraw): { amount: string; currency: string } {
  const digits = MINOR_DIGITS[d.fee.currency]!;
  const minorUnits = (n: number) => new Rational(BigInt(n), 10n ** BigInt(digits));
  let amount: Rational;
  switch (draw.of) {
    case 'minorUnits':
      amount = minorUnits(draw.units);
      break;
    case 'fee':
      amount = Rational.parse(d.fee.amount);
      break;
    case 'tierCredit': {
      const tier = d.tiers[draw.tier % Math.max(d.tiers.length, 1)];
      const credit = tier === undefined ? minorUnits(0) : Rational.parse(Rational.parse(d.fee.amount).mul(Rational.parse(tier.creditPercent)).div(Rational.of(100)).toFixed(digits));
      amount = credit.add(minorUnits(draw.plusMinorUnits));
      break;
    }
  }
  if (amount.cmp(Rational.of(0)) < 0) amount = Rational.of(0);
  return { amount: amount.toFixed(digits), currency: d.fee.currency };
}

function termsInput(d: TermsDraw, platform: string, provider: string, effectiveFrom: number): TermsInput {
  const t: TermsInput = {
    platform, provider, targetPercent: d.target, policy: d.policy, monthlyFee: d.fee, effectiveFrom: iso(effectiveFrom), creditTiers: d.tiers, models: d.models,
  };
  if (d.zone !== 'UTC' || d.models.length % 2 === 0) t.timeZone = d.zone; // sometimes left to the default
  if (d.countRateLimited !== undefined) t.countRateLimited = d.countRateLimited;
  if (d.countTimeouts !== undefined) t.countTimeouts = d.countTimeouts;
  if (d.errorStatuses !== undefined) t.errorStatuses = d.errorStatuses;
  if (d.minimumCredit !== undefined) t.minimumCredit = d.minimumCredit === null ? null : minimumCreditOf(d.minimumCredit, d);
  if (d.claimWindowDays !== undefined) t.claimWindowDays = d.claimWindowDays;
  return t;
}

/** Another value of `change` than `from` has, taken from `alt` (or made different when alt repeats it). */
function applyChange(from: TermsDraw, alt: TermsDraw, change: Change): TermsDraw {
  const next = { ...from };
  switch (change) {
    case 'target':
      next.target = alt.target !== from.target ? alt.target : from.target === '95' ? '99.5' : '95';
      break;
    case 'policy':
      next.policy = JSON.stringify(alt.policy) !== JSON.stringify(from.policy) ? alt.policy : { ...from.policy, minSamples: (from.policy.minSamples ?? 1) + 1 };
      break;
    case 'models':
      next.models = alt.models.join() !== from.models.join() ? alt.models : from.models.length === 0 ? ['m-b'] : [];
      break;
    case 'tiers':
      next.tiers = JSON.stringify(alt.tiers) !== JSON.stringify(from.tiers) ? alt.tiers : [{ uptimeBelow: '99.99', creditPercent: '7.5' }];
      break;
    case 'zone':
      next.zone = alt.zone !== from.zone ? alt.zone : from.zone === 'Asia/Kathmandu' ? 'America/New_York' : 'Asia/Kathmandu';
      break;
    case 'countRateLimited':
      next.countRateLimited = !(from.countRateLimited ?? false);
      break;
    case 'countTimeouts':
      next.countTimeouts = !(from.countTimeouts ?? true);
      break;
    case 'errorStatuses':
      next.errorStatuses = JSON.stringify(alt.errorStatuses ?? null) !== JSON.stringify(from.errorStatuses ?? null) ? alt.errorStatuses : from.errorStatuses == null ? ['5xx'] : null;
      break;
    case 'minimumCredit':
      next.minimumCredit = JSON.stringify(alt.minimumCredit ?? null) !== JSON.stringify(from.minimumCredit ?? null) ? alt.minimumCredit : from.minimumCredit == null ? { of: 'fee' } : null;
      break;
  }
  return next;
}

let counter = 0;

/** Turns a group's draws into names, histories, windows and events. Events never lie ahead of `now`. */
export function buildGroup(draw: GroupDraw, now: number): BuiltGroup {
  const n = counter++;
  const provider = `pv${n}`;
  const platforms: [string, string] = [`pa${n}`, `pb${n}`];
  const [y, m] = draw.label.split('-').map(Number) as [number, number];
  const monthStart = Date.UTC(y, m - 1, 1);
  const monthEnd = Date.UTC(y, m, 1);
  const inMonth = (day: number, rnd: () => number, month = 0) =>
    Date.UTC(y, m - 1 + month, day, Math.floor(rnd() * 24), Math.floor(rnd() * 60), Math.floor(rnd() * 60), rnd() < 0.5 ? 0 : Math.floor(rnd() * 1000));
  const anchors: number[] = [];

  const contracts: BuiltContract[] = draw.contracts.map((c, index) => {
    const rnd = seededRandom(c.timing);
    const platform = platforms[index === 0 ? 0 : Math.floor(rnd() * 2)]!;
    const zonePeriod = localPeriod(draw.label, c.terms.zone);
    let start: number;
    switch (c.start) {
      case 'longBefore':
        start = rnd() < 0.5 ? Date.UTC(2024, 0, 1) : zonePeriod.start - Math.floor(rnd() * 40 * DAY);
        break;
      case 'periodStart':
        start = zonePeriod.start;
        break;
      case 'mid':
        start = inMonth(3 + Math.floor(rnd() * 10), rnd);
        break;
      case 'after':
        start = inMonth(5, rnd, 1);
        break;
    }
    anchors.push(start, zonePeriod.start, zonePeriod.end);
    const history: HistoryStep[] = [{ kind: 'define', input: termsInput(c.terms, platform, provider, start) }];
    let terms = c.terms;
    let last = start;
    const amendments = c.amendments
      .filter((a) => c.start !== 'after' && !(a.when === 'before' && c.start !== 'longBefore') && !(a.when === 'after' && c.end === 'mid'))
      .map((a) => ({ ...a, at: a.when === 'before' ? inMonth(5 + Math.floor(rnd() * 20), rnd, -1) : a.when === 'mid' ? inMonth(13 + Math.floor(rnd() * 10), rnd) : inMonth(3 + Math.floor(rnd() * 18), rnd, 1) }))
      .sort((a, b) => a.at - b.at);
    for (const a of amendments) {
      if (a.at <= last) continue;
      for (const change of a.changes) terms = applyChange(terms, a.alt, change);
      history.push({ kind: 'amend', input: termsInput(terms, platform, provider, start), effectiveFrom: iso(a.at) });
      last = a.at;
      anchors.push(a.at, ...Object.values(localPeriod(draw.label, terms.zone)));
    }
    if (c.end !== 'none') {
      const to = c.end === 'mid' ? inMonth(23 + Math.floor(rnd() * 4), rnd) : inMonth(27, rnd, 1);
      if (to > last) {
        history.push({ kind: 'end', effectiveTo: iso(to) });
        anchors.push(to);
      }
    }
    const lateModel = terms.models.find((x) => x !== 'm-x') ?? (terms.models.length === 0 ? 'm-c' : 'm-x');
    return { history, late: c.late, lateModel, platform, row: index === 0 ? (draw.row?.name ?? null) : null };
  });

  // Maintenance windows, relative to the first contract's period.
  const rnd = seededRandom(draw.seed);
  const first = localPeriod(draw.label, draw.contracts[0]!.terms.zone);
  const maintenance: MaintenanceInput[] = [];
  const plannedBursts: { at: number; minutes: number; perMinute: number; failP: number; models: string[]; platform: 0 | 1; errorStatuses?: readonly (number | null)[]; exact?: boolean }[] = [];
  const seconds = (r: () => number) => (r() < 0.5 ? 0 : Math.floor(r() * 60_000));
  for (const w of draw.maintenance) {
    const r = seededRandom(w.timing);
    const window = (start: number, end: number) => maintenance.push({ provider, models: w.models, start: iso(start), end: iso(end) });
    const mid = inMonth(4 + Math.floor(r() * 20), r);
    switch (w.kind) {
      case 'inside':
        window(mid, mid + (1 + Math.floor(r() * 180)) * MINUTE + seconds(r));
        break;
      case 'crossStart':
        window(first.start - (1 + Math.floor(r() * 300)) * MINUTE + seconds(r), first.start + (1 + Math.floor(r() * 120)) * MINUTE + seconds(r));
        break;
      case 'crossEnd':
        window(first.end - (1 + Math.floor(r() * 120)) * MINUTE - seconds(r), first.end + (1 + Math.floor(r() * 300)) * MINUTE);
        break;
      case 'overlapPair': {
        const a = mid + seconds(r);
        const b = a + (10 + Math.floor(r() * 60)) * MINUTE;
        window(a, b);
        window(b - (1 + Math.floor(r() * 9)) * MINUTE - seconds(r), b + (5 + Math.floor(r() * 60)) * MINUTE);
        break;
      }
      case 'overBad': {
        const at = Math.floor(mid / MINUTE) * MINUTE;
        const minutes = 5 + Math.floor(r() * 15);
        plannedBursts.push({ at, minutes, perMinute: 6, failP: 1, models: [...TRAFFIC_MODELS], platform: 0, exact: true });
        plannedBursts.push({ at, minutes, perMinute: 6, failP: 1, models: [...TRAFFIC_MODELS], platform: 1, exact: true });
        window(at + Math.floor(r() * 3) * MINUTE + seconds(r), at + (minutes - 1 - Math.floor(r() * 2)) * MINUTE);
        break;
      }
    }
  }
  for (const w of maintenance) anchors.push(Date.parse(w.start), Date.parse(w.end));
  if (draw.row?.outage) {
    const at = Math.floor(inMonth(10, rnd) / MINUTE) * MINUTE;
    for (const platform of [0, 1] as const) plannedBursts.push({ at, minutes: 30, perMinute: 6, failP: 1, models: [...TRAFFIC_MODELS], platform, exact: true });
  }

  // Bursts: the drawn ones, then some around anchors.
  for (const b of draw.bursts) {
    const at = 'free' in b.at
      ? monthStart - DAY + Math.floor(b.at.free * (monthEnd - monthStart + 2 * DAY))
      : anchors[b.at.anchor % anchors.length]! - b.at.before * MINUTE;
    plannedBursts.push({ ...b, at });
  }
  for (let i = 0; i < draw.anchorBursts; i++) {
    const anchor = anchors[Math.floor(rnd() * anchors.length)]!;
    const models = TRAFFIC_MODELS.filter(() => rnd() < 0.6);
    plannedBursts.push({
      at: anchor - Math.floor(rnd() * 4) * MINUTE, minutes: 1 + Math.floor(rnd() * 8), perMinute: 1 + Math.floor(rnd() * 5),
      failP: [0, 0.1, 0.5, 1][Math.floor(rnd() * 4)]!, models: models.length > 0 ? models : ['m-a'], platform: rnd() < 0.7 ? 0 : 1,
    });
  }

  const ids = [0, 0];
  const events: PostedEvent[] = [];
  const pick = <T>(list: readonly T[], r: () => number) => list[Math.floor(r() * list.length)]!;
  const emit = (out: PostedEvent[], platformIndex: 0 | 1, model: string, at: number, failP: number, r: () => number, errorStatuses: readonly (number | null)[] = MIXED_ERROR_STATUSES) => {
    if (at > now - MINUTE) return;
    const failing = r() < failP;
    const outcome: Outcome = failing
      ? pick(['error', 'error', 'timeout', 'rate_limited'] as const, r)
      : pick(['success', 'success', 'success', 'success', 'success', 'success', 'client_error', 'rate_limited'] as const, r);
    const event: PostedEvent = { platform: platforms[platformIndex], id: `e${platformIndex}-${ids[platformIndex]!++}`, provider, model, occurredAt: iso(at), outcome };
    // No status: left out, or now and then sent as null.
    const httpStatus = outcome === 'error' ? pick(errorStatuses, r) : pick(OTHER_STATUSES[outcome], r);
    if (httpStatus !== null) event.httpStatus = httpStatus;
    else if (r() < 0.3) event.httpStatus = null;
    out.push(event);
  };
  for (const b of plannedBursts) {
    const startMinute = Math.floor(b.at / MINUTE) * MINUTE;
    for (let k = 0; k < b.minutes; k++) {
      for (const model of b.models) {
        const count = b.exact ? b.perMinute : Math.floor(rnd() * (b.perMinute + 1));
        for (let j = 0; j < count; j++) {
          const offset = [0, 59_999, Math.floor(rnd() * 60_000)][Math.floor(rnd() * 3)]!;
          emit(events, b.platform, model, startMinute + k * MINUTE + offset, b.failP, rnd, b.errorStatuses);
        }
      }
    }
  }

  // Late events, for groups with a late contract in an ended period.
  const lateEvents: PostedEvent[] = [];
  const repeated = new Set<string>();
  for (const c of contracts.filter((x) => x.late)) {
    const platformIndex = platforms.indexOf(c.platform) as 0 | 1;
    const at = Math.floor(inMonth(14 + Math.floor(rnd() * 5), rnd) / MINUTE) * MINUTE;
    for (let k = 0; k < 3 + Math.floor(rnd() * 5); k++) {
      for (let j = 0; j < 4; j++) emit(lateEvents, platformIndex, c.lateModel, at + k * MINUTE + j * 7_000, 0.8, rnd);
    }
    // Out of scope: the other platform, and a month before the period.
    emit(lateEvents, (1 - platformIndex) as 0 | 1, c.lateModel, at, 1, rnd);
    emit(lateEvents, platformIndex, c.lateModel, monthStart - 20 * DAY, 1, rnd);
    // Earlier events again: repeated as they were (duplicates), and altered (refused as conflicts); the first one stays.
    // (Once per platform: how an ingest batch counts a second identical altered copy is not this test's subject.)
    const earlier = repeated.has(c.platform) ? [] : events.filter((x) => x.platform === c.platform);
    repeated.add(c.platform);
    for (const e of earlier.slice(0, 2)) lateEvents.push({ ...e });
    for (const e of earlier.slice(2, 4)) lateEvents.push({ ...e, outcome: e.outcome === 'success' ? 'error' : 'success' });
  }
  return { row: draw.row?.name ?? null, label: draw.label, provider, platforms, contracts, maintenance, events, lateEvents };
}

/** One round: every row of the case table, and `random` random groups. */
export function roundArb(random: number): fc.Arbitrary<GroupDraw[]> {
  return fc.tuple(fc.tuple(...CASE_TABLE.map((row) => groupArb(row))), fc.array(groupArb(null), { minLength: random, maxLength: random })).map(([a, b]) => [...a, ...b]);
}
