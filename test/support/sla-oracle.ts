/**
 * An independent SLA evaluator, written from the definitions of docs/concepts.md (§2 outcome
 * classes, §3 time, §6 contracts and policies) and nothing else: it imports no code of the
 * service (no libs/, no @ledger/*), keeps its own exact rationals (BigInt), its own time-zone
 * arithmetic (Intl only) and works minute by minute over the whole period, from the raw events
 * as they were posted. It is slow on purpose; it exists to be obviously right.
 *
 * Readings chosen where the definitions leave room (each matches the service, and is listed in
 * the report of the oracle test so that the docs can state it):
 * - "Minutes outside [effectiveFrom, effectiveTo)": a minute is eligible only when it lies
 *   wholly inside; a minute the contract covers only partly is excluded. Maintenance excludes
 *   every minute it overlaps, even by a millisecond.
 * - With no eligible minute (or no window, or no eligible request), uptime is 100.
 * - The evidence of every policy is the DOWNTIME_MINUTES runs computed with the contract's
 *   errorRateThreshold / minSamples / minConsecutiveMinutes (defaults when unset).
 * - Terms in force at the period's end: of the versions that took effect strictly before the
 *   period's end, the latest; when none had, the first. The period is the month in the zone
 *   of those terms (a fixed point: the zone chooses the end, the end chooses the terms).
 * - budgetBurn: (downtime / allowed) ÷ (share of the period's wall-clock length elapsed at
 *   `now`, clamped to [0, 1]); null when allowed is 0 or nothing has elapsed. For an ended
 *   period the share is 1, so the burn is downtime / allowed.
 * - creditPercent is the tier's percent, exactly, written with at least 2 decimals ("10.00",
 *   "33.335"); creditAmount is that exact percent of the fee.
 * - Failure rules: `countTimeouts: false` makes timeouts not eligible (like client errors). With
 *   `errorStatuses`, an error fails only when its httpStatus equals an entry or lies in an entry's
 *   class ("5xx"), entries read case-insensitively; any other error, one without a status
 *   included, is eligible and not a failure. Statuses on other outcomes mean nothing.
 * - minimumCredit is compared with the credit rounded to the fee's minor unit; strictly below it,
 *   the credit is 0 and creditPercent "0.00" (a credit equal to it stands).
 */

// ---------------------------------------------------------------------------------------------
// Exact rationals

const abs = (x: bigint) => (x < 0n ? -x : x);
function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export class Rational {
  readonly n: bigint;
  readonly d: bigint;

  constructor(n: bigint, d: bigint = 1n) {
    if (d === 0n) throw new Error('division by zero');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n, d) || 1n;
    this.n = n / g;
    this.d = d / g;
  }

  static of(x: number | bigint): Rational {
    if (typeof x === 'number' && !Number.isInteger(x)) throw new Error(`not an integer: ${x}`);
    return new Rational(BigInt(x));
  }

  /** "99.95" → 9995/100; also "-1.5", "7". */
  static parse(decimal: string): Rational {
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal);
    if (!match) throw new Error(`not a decimal: ${decimal}`);
    const fraction = match[3] ?? '';
    const n = BigInt(match[2]! + fraction) * (match[1] === '-' ? -1n : 1n);
    return new Rational(n, 10n ** BigInt(fraction.length));
  }

  add(o: Rational): Rational {
    return new Rational(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Rational): Rational {
    return new Rational(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  mul(o: Rational): Rational {
    return new Rational(this.n * o.n, this.d * o.d);
  }
  div(o: Rational): Rational {
    return new Rational(this.n * o.d, this.d * o.n);
  }
  cmp(o: Rational): number {
    const l = this.n * o.d;
    const r = o.n * this.d;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  /** The fewest decimals that write it exactly (throws for a non-terminating decimal). */
  exactPlaces(): number {
    for (let p = 0; p <= 30; p++) if ((this.n * 10n ** BigInt(p)) % this.d === 0n) return p;
    throw new Error('not a terminating decimal');
  }
  isZero(): boolean {
    return this.n === 0n;
  }

  /** Rounded half-up (half away from zero) to `places` decimals, written with exactly that many. */
  toFixed(places: number): string {
    const scale = 10n ** BigInt(places);
    const scaled = abs(this.n) * scale;
    let q = scaled / this.d;
    if ((scaled % this.d) * 2n >= this.d) q += 1n;
    const digits = q.toString().padStart(places + 1, '0');
    const body = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
    return (this.n < 0n && q !== 0n ? '-' : '') + body;
  }
}

const R = Rational.of;
const HUNDRED = R(100);

// ---------------------------------------------------------------------------------------------
// Time zones, with Intl only

const MINUTE = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock reading of an instant in a zone, as if that reading were UTC (ms). */
function wallClock(instant: number, zone: string): number {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) + (((instant % 1000) + 1000) % 1000);
}

/** The instant of local midnight starting calendar day (y, m, d) in `zone`; m and d may overflow (Date.UTC normalises). */
export function localMidnight(y: number, m: number, d: number, zone: string): number {
  const wall = Date.UTC(y, m - 1, d);
  // Two rounds of "instant = wall − offset(instant)" settle on the instant (offsets change at most twice a year).
  let instant = wall;
  for (let i = 0; i < 3; i++) instant = wall - (wallClock(instant, zone) - instant);
  if (wallClock(instant, zone) !== wall) throw new Error(`no local midnight ${y}-${m}-${d} in ${zone}`);
  return instant;
}

export function periodBounds(label: string, zone: string): { start: number; end: number } {
  const match = /^(\d{4})-(\d{2})$/.exec(label);
  if (!match) throw new Error(`bad period ${label}`);
  const y = Number(match[1]);
  const m = Number(match[2]);
  return { start: localMidnight(y, m, 1, zone), end: localMidnight(y, m + 1, 1, zone) };
}

// ---------------------------------------------------------------------------------------------
// Inputs

export type Outcome = 'success' | 'error' | 'timeout' | 'rate_limited' | 'client_error';

/** An outcome event as posted, with the platform of the key that posted it. */
export interface PostedEvent {
  platform: string;
  id: string;
  provider: string;
  model: string;
  occurredAt: string;
  outcome: Outcome;
  /** Left out, or null: no status. */
  httpStatus?: number | null;
}

export interface PolicyInput {
  kind: 'DOWNTIME_MINUTES' | 'AVERAGE_ERROR_RATE' | 'REQUEST_SUCCESS_RATIO';
  errorRateThreshold?: string;
  minSamples?: number;
  minConsecutiveMinutes?: number;
  windowMinutes?: number;
}

/** Contract terms as sent to defineContract / amendContract (GraphQL ContractInput). */
export interface TermsInput {
  platform: string;
  provider: string;
  models?: string[];
  timeZone?: string;
  targetPercent: string;
  policy: PolicyInput;
  countRateLimited?: boolean;
  countTimeouts?: boolean;
  errorStatuses?: string[] | null;
  minimumCredit?: { amount: string; currency: string } | null;
  creditTiers?: { uptimeBelow: string; creditPercent: string }[];
  monthlyFee: { amount: string; currency: string };
  claimWindowDays?: number;
  effectiveFrom: string;
  effectiveTo?: string | null;
}

export type HistoryStep =
  | { kind: 'define'; input: TermsInput }
  | { kind: 'amend'; input: TermsInput; effectiveFrom: string }
  | { kind: 'end'; effectiveTo: string };

export interface MaintenanceInput {
  provider: string;
  models: string[];
  start: string;
  end: string;
}

/** One minute's events of one model: by outcome, and the errors by httpStatus (null: none). */
export interface MinuteCounts extends Record<Outcome, number> {
  errorsByStatus: Map<number | null, number>;
}

/** The events by platform and provider, then by UTC minute, then by model; duplicates (same platform and id) dropped, the first kept. */
export class EventIndex {
  private readonly seen = new Set<string>();
  private readonly byScope = new Map<string, Map<number, Map<string, MinuteCounts>>>();

  add(events: readonly PostedEvent[]): this {
    for (const e of events) {
      const key = `${e.platform}\u0000${e.id}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      const scope = `${e.platform}\u0000${e.provider}`;
      let minutes = this.byScope.get(scope);
      if (minutes === undefined) this.byScope.set(scope, (minutes = new Map()));
      const minute = Math.floor(Date.parse(e.occurredAt) / MINUTE);
      let models = minutes.get(minute);
      if (models === undefined) minutes.set(minute, (models = new Map()));
      let counts = models.get(e.model);
      if (counts === undefined) models.set(e.model, (counts = { success: 0, error: 0, timeout: 0, rate_limited: 0, client_error: 0, errorsByStatus: new Map() }));
      counts[e.outcome] += 1;
      if (e.outcome === 'error') counts.errorsByStatus.set(e.httpStatus ?? null, (counts.errorsByStatus.get(e.httpStatus ?? null) ?? 0) + 1);
    }
    return this;
  }

  minute(platform: string, provider: string, minute: number): ReadonlyMap<string, MinuteCounts> | undefined {
    return this.byScope.get(`${platform}\u0000${provider}`)?.get(minute);
  }

  clone(): EventIndex {
    const copy = new EventIndex();
    for (const k of this.seen) copy.seen.add(k);
    for (const [scope, minutes] of this.byScope) {
      const m = new Map<number, Map<string, MinuteCounts>>();
      for (const [minute, models] of minutes) m.set(minute, new Map([...models].map(([model, c]) => [model, { ...c, errorsByStatus: new Map(c.errorsByStatus) }])));
      copy.byScope.set(scope, m);
    }
    return copy;
  }
}

// ---------------------------------------------------------------------------------------------
// Output

export interface OracleRun {
  start: string;
  end: string;
  minutes: number;
  eligibleRequests: number;
  failedRequests: number;
}

/** The figures of an SLA report, as GraphQL prints them. */
export interface OracleReport {
  contractVersion: number;
  amendedDuringPeriod: boolean;
  period: string;
  periodStart: string;
  periodEnd: string;
  final: boolean;
  uptimePercent: string;
  targetPercent: string;
  met: boolean;
  eligibleMinutes: number;
  excludedMinutes: number;
  downtimeMinutes: number | null;
  allowedDowntimeMinutes: string | null;
  budgetRemainingMinutes: string | null;
  budgetBurn: string | null;
  creditPercent: string;
  creditAmount: { amount: string; currency: string };
  claimDeadline: string;
  evidence: OracleRun[];
  eventsCounted: number;
}

/** What the evaluation met on its way, for counting the cases a test reached. */
export interface OracleFacts {
  policy: PolicyInput['kind'];
  countRateLimited: boolean;
  countTimeouts: boolean;
  /** The contract names error statuses. */
  errorStatusesNamed: boolean;
  /** Errors in eligible minutes that the contract's errorStatuses leave eligible but not failed. */
  unmatchedErrors: number;
  /** Timeouts in eligible minutes that `countTimeouts: false` leaves out. */
  uncountedTimeouts: number;
  /** Eligible minutes that fail the policy's threshold under the contract's rules but not under the default ones, or the reverse. */
  minutesTheRulesFlip: number;
  /** What minimumCredit did: none set, no credit owed anyway, the credit kept (at or above it), or zeroed. */
  minimumCredit: 'none' | 'nothing owed' | 'kept' | 'zeroed';
  modelSubset: boolean;
  timeZone: string;
  /** Period length minus its days × 1,440: negative for a spring-forward month, positive for fall-back. */
  dstShiftMinutes: number;
  leapFebruary: boolean;
  startsMidPeriod: boolean;
  endsMidPeriod: boolean;
  /** Terms that an amendment taking effect inside the period changed. */
  amendedTerms: Set<AmendedTerm>;
  maintenancePartlyOverlapsPeriod: boolean;
  maintenanceWindowsOverlap: boolean;
  /** Minutes that would be downtime minutes but for maintenance. */
  maintenanceOverBadMinutes: number;
  /** Minutes excluded because the contract covers them only partly. */
  partialValidityMinutes: number;
  /** Credit tiers whose bound the exact uptime is strictly below. */
  tiersBelow: number;
  /** No minute of the period lies in [effectiveFrom, effectiveTo) of the terms that apply: the service refuses the report. */
  outsideTerm: boolean;
}

type AmendedTerm = 'target' | 'policy' | 'models' | 'tiers' | 'zone' | 'countTimeouts' | 'errorStatuses' | 'minimumCredit';

interface Version {
  number: number;
  terms: TermsInput;
  inForceFrom: number;
}

function versionsOf(history: readonly HistoryStep[]): Version[] {
  const versions: Version[] = [];
  for (const step of history) {
    const number = versions.length + 1;
    if (step.kind === 'define') versions.push({ number, terms: step.input, inForceFrom: Date.parse(step.input.effectiveFrom) });
    else if (step.kind === 'amend') versions.push({ number, terms: step.input, inForceFrom: Date.parse(step.effectiveFrom) });
    else versions.push({ number, terms: { ...versions.at(-1)!.terms, effectiveTo: step.effectiveTo }, inForceFrom: Date.parse(step.effectiveTo) });
  }
  if (versions[0]?.number !== 1 || history[0]!.kind !== 'define') throw new Error('a history starts with define');
  return versions;
}

/** The version in force just before `end`: the latest to take effect strictly before it, else the first. */
function inForceAt(versions: readonly Version[], end: number): Version {
  let chosen: Version | null = null;
  for (const v of versions) if (v.inForceFrom < end && (chosen === null || v.inForceFrom >= chosen.inForceFrom)) chosen = v;
  return chosen ?? versions[0]!;
}

const zoneOf = (t: TermsInput) => t.timeZone ?? 'UTC';
export const MINOR_DIGITS: Record<string, number> = { USD: 2, EUR: 2, JPY: 0, GBP: 2, CHF: 2 };
const sameSet = (a: readonly string[] = [], b: readonly string[] = []) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
const iso = (ms: number) => new Date(ms).toISOString();
/** Entries as the contract means them: case does not matter, order and repeats neither. */
const statusEntries = (t: TermsInput) => (t.errorStatuses == null ? null : [...new Set(t.errorStatuses.map((x) => x.toLowerCase()))].sort());

/** Whether an error with `status` fails under `entries` (null: every error fails); an error without a status matches no entry. */
function errorFails(entries: readonly string[] | null, status: number | null): boolean {
  if (entries === null) return true;
  if (status === null) return false;
  return entries.includes(String(status)) || entries.includes(`${Math.floor(status / 100)}xx`);
}

/**
 * The report of one contract (its whole history) for period `label`, from every event in
 * `events` and the provider's maintenance windows, as it reads at instant `now`.
 */
export function oracleReport(
  history: readonly HistoryStep[],
  label: string,
  events: EventIndex,
  maintenance: readonly MaintenanceInput[],
  now: number,
): { report: OracleReport; facts: OracleFacts } {
  const versions = versionsOf(history);

  // The terms in force at the period's end, the period being the month in those terms' zone.
  let version = versions.at(-1)!;
  for (let i = 0; ; i++) {
    const next = inForceAt(versions, periodBounds(label, zoneOf(version.terms)).end);
    if (next === version) break;
    if (i > versions.length) throw new Error('the terms in force at the period end do not settle');
    version = next;
  }
  const terms = version.terms;
  const zone = zoneOf(terms);
  const { start, end } = periodBounds(label, zone);
  const models = terms.models ?? [];
  const covers = (model: string) => models.length === 0 || models.includes(model);
  const countRateLimited = terms.countRateLimited ?? false;
  const countTimeouts = terms.countTimeouts ?? true;
  const errorStatuses = statusEntries(terms);
  const threshold = Rational.parse(terms.policy.errorRateThreshold ?? '0.05');
  const minSamples = terms.policy.minSamples ?? 1;
  const minConsecutive = terms.policy.minConsecutiveMinutes ?? 1;
  const windowMinutes = terms.policy.windowMinutes ?? 5;
  const effectiveFrom = Date.parse(terms.effectiveFrom);
  const effectiveTo = terms.effectiveTo == null ? Infinity : Date.parse(terms.effectiveTo);
  const windows = maintenance
    .filter((w) => w.provider === terms.provider && (w.models.length === 0 || models.length === 0 || w.models.some((m) => models.includes(m))))
    .map((w) => [Date.parse(w.start), Date.parse(w.end)] as const);

  // Minute by minute over the whole period.
  const length = (end - start) / MINUTE;
  const excluded: boolean[] = new Array(length);
  const maintained: boolean[] = new Array(length);
  const eligible: number[] = new Array(length);
  const failures: number[] = new Array(length);
  let eventsCounted = 0;
  let partialValidityMinutes = 0;
  let unmatchedErrors = 0;
  let uncountedTimeouts = 0;
  let minutesTheRulesFlip = 0;
  const failsWith = (e: number, f: number) => e >= minSamples && e > 0 && new Rational(BigInt(f), BigInt(e)).cmp(threshold) >= 0;
  for (let i = 0; i < length; i++) {
    const from = start + i * MINUTE;
    const to = from + MINUTE;
    const wholly = from >= effectiveFrom && to <= effectiveTo;
    const touches = to > effectiveFrom && from < effectiveTo;
    if (touches && !wholly) partialValidityMinutes += 1;
    maintained[i] = windows.some(([a, b]) => a < to && b > from);
    excluded[i] = !wholly || maintained[i]!;
    let e = 0;
    let f = 0;
    // The same minute under the default rules (every error and timeout fails), only to see where the contract's rules matter.
    let de = 0;
    let df = 0;
    for (const [model, c] of events.minute(terms.platform, terms.provider, from / MINUTE) ?? []) {
      if (!covers(model)) continue;
      eventsCounted += c.success + c.error + c.timeout + c.rate_limited + c.client_error;
      // Errors are always eligible, failing or not; timeouts and throttling are eligible only when they count, and then fail.
      let failedErrors = 0;
      for (const [status, n] of c.errorsByStatus) if (errorFails(errorStatuses, status)) failedErrors += n;
      const timeouts = countTimeouts ? c.timeout : 0;
      const throttled = countRateLimited ? c.rate_limited : 0;
      e += c.success + c.error + timeouts + throttled;
      f += failedErrors + timeouts + throttled;
      de += c.success + c.error + c.timeout + throttled;
      df += c.error + c.timeout + throttled;
      if (!excluded[i]) {
        unmatchedErrors += c.error - failedErrors;
        uncountedTimeouts += c.timeout - timeouts;
      }
    }
    eligible[i] = e;
    failures[i] = f;
    if (!excluded[i] && failsWith(e, f) !== failsWith(de, df)) minutesTheRulesFlip += 1;
  }
  const excludedMinutes = excluded.filter(Boolean).length;
  const eligibleMinutes = length - excludedMinutes;
  const fails = (i: number) => failsWith(eligible[i]!, failures[i]!);

  // Downtime runs: consecutive eligible failing minutes, broken by any other minute.
  const evidence: OracleRun[] = [];
  let downtime = 0;
  let maintenanceOverBadMinutes = 0;
  for (let i = 0; i < length; ) {
    if (excluded[i] || !fails(i)) {
      if (maintained[i] && fails(i)) maintenanceOverBadMinutes += 1;
      i++;
      continue;
    }
    let j = i;
    let e = 0;
    let f = 0;
    while (j < length && !excluded[j] && fails(j)) {
      e += eligible[j]!;
      f += failures[j]!;
      j++;
    }
    if (j - i >= minConsecutive) {
      evidence.push({ start: iso(start + i * MINUTE), end: iso(start + j * MINUTE), minutes: j - i, eligibleRequests: e, failedRequests: f });
      downtime += j - i;
    }
    i = j;
  }

  let uptime: Rational;
  switch (terms.policy.kind) {
    case 'DOWNTIME_MINUTES':
      uptime = eligibleMinutes === 0 ? HUNDRED : HUNDRED.mul(R(eligibleMinutes - downtime)).div(R(eligibleMinutes));
      break;
    case 'AVERAGE_ERROR_RATE': {
      let sum = R(0);
      let counted = 0;
      for (let w = 0; w < length; w += windowMinutes) {
        let any = false;
        let e = 0;
        let f = 0;
        for (let i = w; i < Math.min(w + windowMinutes, length); i++) {
          if (excluded[i]) continue;
          any = true;
          e += eligible[i]!;
          f += failures[i]!;
        }
        if (!any) continue;
        counted += 1;
        if (e > 0) sum = sum.add(new Rational(BigInt(f), BigInt(e)));
      }
      uptime = counted === 0 ? HUNDRED : HUNDRED.sub(HUNDRED.mul(sum).div(R(counted)));
      break;
    }
    case 'REQUEST_SUCCESS_RATIO': {
      let e = 0;
      let f = 0;
      for (let i = 0; i < length; i++) {
        if (excluded[i]) continue;
        e += eligible[i]!;
        f += failures[i]!;
      }
      uptime = e === 0 ? HUNDRED : HUNDRED.mul(R(e - f)).div(R(e));
      break;
    }
  }

  const target = Rational.parse(terms.targetPercent);
  let tier: { uptimeBelow: string; creditPercent: string } | null = null;
  for (const t of terms.creditTiers ?? []) {
    if (uptime.cmp(Rational.parse(t.uptimeBelow)) < 0 && (tier === null || Rational.parse(t.uptimeBelow).cmp(Rational.parse(tier.uptimeBelow)) < 0)) tier = t;
  }
  let percent = tier === null ? R(0) : Rational.parse(tier.creditPercent);
  const digits = MINOR_DIGITS[terms.monthlyFee.currency];
  if (digits === undefined) throw new Error(`oracle knows no minor unit for ${terms.monthlyFee.currency}`);
  let credit = Rational.parse(terms.monthlyFee.amount).mul(percent).div(HUNDRED);
  // The minimum applies to the credit as it would be paid (rounded), and takes the percent with it.
  let minimumCredit: OracleFacts['minimumCredit'] = terms.minimumCredit == null ? 'none' : percent.isZero() ? 'nothing owed' : 'kept';
  if (terms.minimumCredit != null && Rational.parse(credit.toFixed(digits)).cmp(Rational.parse(terms.minimumCredit.amount)) < 0) {
    if (!percent.isZero()) minimumCredit = 'zeroed';
    percent = R(0);
    credit = R(0);
  }

  let allowed: Rational | null = null;
  let burn: string | null = null;
  if (terms.policy.kind === 'DOWNTIME_MINUTES') {
    allowed = R(1).sub(target.div(HUNDRED)).mul(R(eligibleMinutes));
    const elapsed = new Rational(BigInt(Math.min(Math.max(now - start, 0), end - start)), BigInt(end - start));
    if (!allowed.isZero() && !elapsed.isZero()) burn = R(downtime).div(allowed).div(elapsed).toFixed(4);
  }

  // The claim deadline: the local calendar day the period ends on, plus claimWindowDays, at local midnight.
  const endWall = new Date(wallClock(end, zone));
  const claimDeadline = localMidnight(endWall.getUTCFullYear(), endWall.getUTCMonth() + 1, endWall.getUTCDate() + (terms.claimWindowDays ?? 30), zone);

  const report: OracleReport = {
    contractVersion: version.number,
    amendedDuringPeriod: versions.some((v) => v.number > 1 && v.inForceFrom > start && v.inForceFrom < end),
    period: label,
    periodStart: iso(start),
    periodEnd: iso(end),
    final: now >= end,
    uptimePercent: uptime.toFixed(4),
    targetPercent: terms.targetPercent,
    met: uptime.cmp(target) >= 0,
    eligibleMinutes,
    excludedMinutes,
    downtimeMinutes: terms.policy.kind === 'DOWNTIME_MINUTES' ? downtime : null,
    allowedDowntimeMinutes: allowed === null ? null : allowed.toFixed(4),
    budgetRemainingMinutes: allowed === null ? null : allowed.sub(R(downtime)).toFixed(4),
    budgetBurn: burn,
    creditPercent: percent.toFixed(Math.max(2, percent.exactPlaces())),
    creditAmount: { amount: credit.toFixed(digits), currency: terms.monthlyFee.currency },
    claimDeadline: iso(claimDeadline),
    evidence,
    eventsCounted,
  };

  // Facts, for counting what the test reached.
  const amendedTerms = new Set<AmendedTerm>();
  for (let k = 1; k < versions.length; k++) {
    const [before, after] = [versions[k - 1]!, versions[k]!];
    if (!(after.inForceFrom > start && after.inForceFrom < end) || history[k]!.kind !== 'amend') continue;
    if (Rational.parse(before.terms.targetPercent).cmp(Rational.parse(after.terms.targetPercent)) !== 0) amendedTerms.add('target');
    if (JSON.stringify(before.terms.policy) !== JSON.stringify(after.terms.policy)) amendedTerms.add('policy');
    if (!sameSet(before.terms.models, after.terms.models)) amendedTerms.add('models');
    if (JSON.stringify(before.terms.creditTiers ?? []) !== JSON.stringify(after.terms.creditTiers ?? [])) amendedTerms.add('tiers');
    if (zoneOf(before.terms) !== zoneOf(after.terms)) amendedTerms.add('zone');
    if ((before.terms.countTimeouts ?? true) !== (after.terms.countTimeouts ?? true)) amendedTerms.add('countTimeouts');
    if (JSON.stringify(statusEntries(before.terms)) !== JSON.stringify(statusEntries(after.terms))) amendedTerms.add('errorStatuses');
    if (JSON.stringify(before.terms.minimumCredit ?? null) !== JSON.stringify(after.terms.minimumCredit ?? null)) amendedTerms.add('minimumCredit');
  }
  const inPeriod = windows.filter(([a, b]) => a < end && b > start);
  const y = Number(label.slice(0, 4));
  const m = Number(label.slice(5, 7));
  const calendarDays = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const facts: OracleFacts = {
    policy: terms.policy.kind,
    countRateLimited,
    countTimeouts,
    errorStatusesNamed: errorStatuses !== null,
    unmatchedErrors,
    uncountedTimeouts,
    minutesTheRulesFlip,
    minimumCredit,
    modelSubset: models.length > 0,
    timeZone: zone,
    dstShiftMinutes: length - calendarDays * 1440,
    leapFebruary: m === 2 && calendarDays === 29,
    startsMidPeriod: effectiveFrom > start && effectiveFrom < end,
    endsMidPeriod: effectiveTo > start && effectiveTo < end,
    amendedTerms,
    maintenancePartlyOverlapsPeriod: inPeriod.some(([a, b]) => a < start || b > end),
    maintenanceWindowsOverlap: inPeriod.some(([a, b], i) => inPeriod.some(([c, d], j) => i !== j && a < d && c < b)),
    maintenanceOverBadMinutes,
    partialValidityMinutes,
    tiersBelow: (terms.creditTiers ?? []).filter((t) => uptime.cmp(Rational.parse(t.uptimeBelow)) < 0).length,
    outsideTerm: end <= effectiveFrom || start >= effectiveTo,
  };
  return { report, facts };
}

/** Whether two reports carry the same figures (what a statement freezes: everything but the event count). */
export function sameFigures(a: OracleReport, b: OracleReport): boolean {
  const { eventsCounted: _a, ...x } = a;
  const { eventsCounted: _b, ...y } = b;
  return JSON.stringify(x) === JSON.stringify(y);
}
