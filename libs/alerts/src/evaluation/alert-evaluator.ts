import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import {
  AlertSeverity, AlertTransition, AlertableStatus, classifier, Classifier, ContractTerms, downMinuteTest, isQuiet, LONGEST_BURN_WINDOW, MINUTE_MS,
  MinuteTallies, quietState, stepBurnRateSubject, stepModelStatusSubject, SubjectState,
} from '@ledger/domain';
import type { DB } from '@ledger/database';
import { DetectionPolicies, DetectionPolicyRepository, ProviderMinutes } from '@ledger/projections';
import { ContractRepository, ContractVersion } from '@ledger/reporting';
import { AlertDeliveryRepository, NewDelivery } from '../delivery/alert-delivery.repository';
import { deliveryBody } from '../delivery/payload';
import { AlertRule, AlertRuleRepository } from '../rules/alert-rule.repository';
import { AlertInputsRepository, ContractMinute, ModelMinute } from './alert-inputs.repository';
import { AlertRepository, RuleProgress, StoredAlert } from './alert.repository';
import { ContractMinuteCache } from './contract-minute-cache';
import { hourStart, StateSnapshots } from './state-snapshots';

/** Minutes evaluated per read of the rollups: a day. */
const CHUNK_MINUTES = 1440;
/** Transitions decided this long before the horizon are recorded but not delivered: old news pages nobody. */
export const DELIVERY_HORIZON_MINUTES = 24 * 60;
/** A transition decided this many minutes or more before the horizon was found late (late events). */
const LATE_AFTER_MINUTES = 5;

/** How one evaluation goes: whether transitions are delivered (not in a rebuild), and the wall clock for the outbox. */
export interface EvaluationOptions {
  deliver: boolean;
  now: Date;
  /**
   * Where in the log the evaluation starts and ends (checkpoint positions as text), so that this
   * process may keep contracts' minutes from one evaluation to the next; omitted, it keeps none.
   */
  position?: { after: string; end: string };
}

/** One rule's work in an evaluation. */
interface RulePlan {
  rule: AlertRule;
  basis: string;
  terms: ContractTerms | null;
  /** BURN_RATE: the contract and its version, which its minutes are cached under. */
  contractKey: string | null;
  /** First minute to evaluate (through the horizon). */
  from: number;
  /**
   * A new or changed rule's first evaluation covers the data already there as history: what it
   * decides at or before this minute (the horizon before this evaluation) is recorded, not
   * delivered, but for the FIRING of an episode still open. -Infinity: nothing is history.
   */
  historyThrough: number;
  states: Map<string, SubjectState>;
  open: Map<string, StoredAlert>;
  /** Alerts rewound or forgotten: withdrawn unless evaluated again. */
  removed: StoredAlert[];
}

/**
 * Alert evaluation (concepts §10), from the minute rollups and the rules: each rule is
 * evaluated minute by minute up to the horizon — the minute before the latest one with data, so
 * windows end at the last complete minute. The state a rule is in is stored at the end of each
 * hour where it changed (state-snapshots.ts), so that late events (the timeline reports the
 * minutes it changed) rewind a rule to the start of the hour they touch and evaluate it again from
 * the state it had then: the alerts are
 * always those the current log implies, and a replay yields the same ones. Deliveries are written
 * to the outbox in the same transaction; a transition found again is not delivered twice.
 */
@Injectable()
export class AlertEvaluator {
  private readonly contractMinutes = new ContractMinuteCache();

  constructor(
    private readonly rules: AlertRuleRepository,
    private readonly alerts: AlertRepository,
    private readonly inputs: AlertInputsRepository,
    private readonly contracts: ContractRepository,
    private readonly policies: DetectionPolicyRepository,
    private readonly outbox: AlertDeliveryRepository,
  ) {}

  /** Evaluates every rule through the horizon; `changes`: the minutes the timeline changed since the last evaluation. */
  async evaluate(db: Kysely<DB>, changes: readonly ProviderMinutes[], options: EvaluationOptions): Promise<void> {
    this.contractMinutes.begin(options.position?.after ?? null, changes);
    await this.evaluateRules(db, changes, options);
    this.contractMinutes.end(options.position?.end ?? null);
  }

  private async evaluateRules(db: Kysely<DB>, changes: readonly ProviderMinutes[], options: EvaluationOptions): Promise<void> {
    const previousHorizon = await this.alerts.horizon(db);
    const horizon = await this.advanceHorizon(db, previousHorizon, changes);
    const rules = await this.rules.all(db);
    const ruleOf = new Map(rules.map((r) => [r.id, r]));
    const progress = await this.alerts.progress(db);
    // Rules deleted or disabled: their alerts go, and an open one that a receiver heard of is resolved.
    const withdrawals: StoredAlert[] = [];
    for (const ruleId of progress.keys()) {
      const rule = ruleOf.get(ruleId);
      if (rule === undefined || !isActive(rule)) withdrawals.push(...(await this.alerts.forget(db, ruleId)));
    }
    const policies = await this.policies.load(db);
    const plans = await this.plan(db, rules.filter(isActive), progress, changes, { previous: previousHorizon, now: horizon }, policies);

    const saved: StoredAlert[] = [];
    const deliveries: NewDelivery[] = [];
    const snapshots = new StateSnapshots();
    for (const plan of plans) for (const [subject, state] of plan.states) snapshots.starting(plan.rule.id, subject, state);
    if (horizon !== null) {
      for (const group of groupPlans(plans)) {
        await this.evaluateGroup(db, group, horizon, policies, (plan, transition, subject) => {
          const alert = applyTransition(plan, subject, transition);
          saved.push(alert);
          if (options.deliver && transition.decided > plan.historyThrough && transition.decided >= horizon - DELIVERY_HORIZON_MINUTES) {
            const late = transition.decided < horizon - LATE_AFTER_MINUTES;
            deliveries.push({ alertId: alert.id, ruleId: plan.rule.id, transition: transition.transition, body: deliveryBody(plan.rule, alert, transition.transition, { late, withdrawn: false }) });
          }
        }, (plan, subject, minute, state) => snapshots.changed(plan.rule.id, subject, minute, state, quietState(plan.rule.kind)));
      }
      if (options.deliver) deliveries.push(...plans.flatMap((p) => stillFiring(p, horizon)));
    }
    for (const plan of plans) withdrawals.push(...plan.removed);
    await this.alerts.saveAlerts(db, dedupeById(saved));
    if (horizon !== null) await this.alerts.saveStates(db, snapshots.finish(horizon));
    await this.alerts.saveProgress(db, plans.map((p) => ({ ruleId: p.rule.id, basis: p.basis, evaluatedThrough: horizon ?? -1 })));
    if (options.deliver) await this.deliverWithdrawals(db, withdrawals, new Set(saved.map((a) => a.id)), ruleOf, deliveries, options.now);
    await this.outbox.enqueue(db, deliveries, options.now);
  }

  /**
   * What each active rule evaluates now, from which minute and state: a new or changed rule from
   * its first minute with data (its alerts forgotten and derived again); the others from where
   * they stopped, or rewound to the start of the hour of the earliest minute that late events
   * changed (state-snapshots.ts). The rules carried on take three statements, whatever their number.
   */
  private async plan(
    db: Kysely<DB>, rules: readonly AlertRule[], progress: ReadonlyMap<string, RuleProgress>, changes: readonly ProviderMinutes[],
    horizons: { previous: number | null; now: number | null }, policies: DetectionPolicies,
  ): Promise<RulePlan[]> {
    const { previous: previousHorizon, now: horizon } = horizons;
    const contracts = await this.contractsOf(db, rules);
    const plans: RulePlan[] = [];
    const continued: RulePlan[] = [];
    for (const rule of rules) {
      const contract = rule.contractId === null ? null : (contracts.get(rule.contractId)?.at(-1) ?? null);
      if (rule.kind === 'BURN_RATE' && contract === null) continue;
      const terms = contract?.terms ?? null;
      const common = { rule, basis: basisOf(rule, contract, policies), terms, contractKey: contract === null ? null : `${contract.id} v${contract.version}` };
      const done = progress.get(rule.id);
      const provider = terms?.provider ?? rule.provider!;
      // New or changed: from its first minute with data, what was there before treated as history.
      // One that found no data so far evaluates its first data as it comes.
      if (done === undefined || done.basis !== common.basis || done.evaluatedThrough < 0) {
        const changed = done !== undefined && done.basis !== common.basis;
        const removed = changed ? await this.alerts.forget(db, rule.id) : [];
        const first = await this.inputs.firstMinute(db, provider, terms?.platform ?? rule.platform);
        const historyThrough = done === undefined || changed ? (previousHorizon ?? -Infinity) : -Infinity;
        plans.push({ ...common, from: first ?? Infinity, historyThrough, states: new Map(), open: new Map(), removed });
        continue;
      }
      // Events after the minutes it has evaluated need no rewind.
      const late = changes.filter((c) => c.provider === provider && c.first <= done.evaluatedThrough).map((c) => c.first);
      const from = late.length === 0 ? done.evaluatedThrough + 1 : hourStart(Math.min(...late));
      if (horizon !== null && from <= horizon) continued.push({ ...common, from, historyThrough: -Infinity, states: new Map(), open: new Map(), removed: [] });
    }
    const rewound = continued.filter((p) => p.from <= progress.get(p.rule.id)!.evaluatedThrough).map((p) => ({ ruleId: p.rule.id, minute: p.from }));
    const removedByRule = new Map<string, StoredAlert[]>();
    for (const alert of await this.alerts.rewind(db, rewound)) removedByRule.set(alert.ruleId, [...(removedByRule.get(alert.ruleId) ?? []), alert]);
    const states = await this.alerts.statesBefore(db, continued.map((p) => ({ ruleId: p.rule.id, minute: p.from })));
    const open = await this.alerts.openAlerts(db, continued.map((p) => p.rule.id));
    for (const plan of continued) {
      plans.push({ ...plan, states: states.get(plan.rule.id) ?? new Map(), open: open.get(plan.rule.id)!, removed: removedByRule.get(plan.rule.id) ?? [] });
    }
    return plans;
  }

  /** The horizon after `changes`: the minute before the latest with data (read from the rollups the first time). */
  private async advanceHorizon(db: Kysely<DB>, stored: number | null, changes: readonly ProviderMinutes[]): Promise<number | null> {
    let horizon = stored;
    if (horizon === null) {
      const latest = await this.inputs.latestMinute(db);
      horizon = latest === null ? null : latest - 1;
    }
    for (const change of changes) horizon = Math.max(horizon ?? -Infinity, change.last - 1);
    if (horizon !== null && horizon !== stored) await this.alerts.saveHorizon(db, horizon);
    return horizon;
  }

  /** Rules of one input (a provider's model traffic, a contract) evaluated together, a chunk of minutes at a time. */
  private async evaluateGroup(
    db: Kysely<DB>, group: RulePlan[], horizon: number, policies: DetectionPolicies,
    onTransition: (plan: RulePlan, transition: AlertTransition, subject: string) => void,
    onState: (plan: RulePlan, subject: string, minute: number, state: SubjectState) => void,
  ): Promise<void> {
    const start = Math.min(...group.map((p) => p.from));
    for (let chunk = start; chunk <= horizon; chunk += CHUNK_MINUTES) {
      const last = Math.min(chunk + CHUNK_MINUTES - 1, horizon);
      const plans = group.filter((p) => p.from <= last);
      const head = plans[0]!;
      if (head.rule.kind === 'MODEL_STATUS') {
        const scope = { provider: head.rule.provider!, platform: head.rule.platform, model: plans.every((p) => p.rule.model === head.rule.model) ? head.rule.model : null };
        const minutes = await this.inputs.modelMinutes(db, scope, Math.max(chunk, Math.min(...plans.map((p) => p.from))), last);
        for (const plan of plans) stepModelStatusRule(plan, minutes, policies, onTransition, onState);
      } else {
        const terms = head.terms!;
        const from = Math.max(chunk, Math.min(...plans.map((p) => p.from)));
        const first = from - LONGEST_BURN_WINDOW + 1;
        const minutes = await this.contractMinutes.read(head.contractKey!, terms.provider, first, last, (a, b) => this.inputs.contractMinutes(db, terms, a, b));
        const tallies = contractTallies(terms, minutes, first, last);
        for (const plan of plans) stepBurnRateRule(plan, tallies, Math.max(plan.from, chunk), last, onTransition, onState);
      }
    }
  }

  /** Alerts that vanished: their unsent deliveries are cancelled, and a receiver that heard of one gets a RESOLVED marked withdrawn. */
  private async deliverWithdrawals(
    db: Kysely<DB>, removed: readonly StoredAlert[], evaluatedAgain: ReadonlySet<string>, ruleOf: ReadonlyMap<string, AlertRule>, deliveries: NewDelivery[], now: Date,
  ): Promise<void> {
    const gone = removed.filter((a) => !evaluatedAgain.has(a.id));
    const owed = new Set(await this.outbox.withdraw(db, gone.map((a) => a.id), now));
    for (const alert of gone) {
      const rule = ruleOf.get(alert.ruleId);
      if (!owed.has(alert.id) || rule === undefined) continue;
      const resolved = { ...alert, resolvedMinute: alert.resolvedMinute ?? Math.floor(now.getTime() / MINUTE_MS) };
      deliveries.push({ alertId: alert.id, ruleId: rule.id, transition: 'RESOLVED', body: deliveryBody(rule, resolved, 'RESOLVED', { late: false, withdrawn: true }) });
    }
  }

  private async contractsOf(db: Kysely<DB>, rules: readonly AlertRule[]): Promise<Map<string, ContractVersion[]>> {
    const ids = [...new Set(rules.map((r) => r.contractId).filter((id): id is string => id !== null))];
    return new Map(await Promise.all(ids.map(async (id) => [id, await this.contracts.versions(db, id)] as const)));
  }
}

const isActive = (rule: AlertRule) => rule.enabled && rule.deletedAt === null;

/**
 * What a rule's alerts depend on besides the rollups: its own version, and its contract's latest
 * terms (BURN_RATE) or its provider's detection policies (MODEL_STATUS). A change derives them again.
 */
function basisOf(rule: AlertRule, contract: ContractVersion | null, policies: DetectionPolicies): string {
  return rule.kind === 'BURN_RATE' ? `rule ${rule.version}; contract ${contract!.id} v${contract!.version}` : `rule ${rule.version}; policies ${policies.fingerprintOf(rule.provider!)}`;
}

/** Plans grouped by the input they read: a provider's model minutes (per platform scope), or a contract's tallies. */
function groupPlans(plans: readonly RulePlan[]): RulePlan[][] {
  const groups = new Map<string, RulePlan[]>();
  for (const plan of plans) {
    if (plan.from === Infinity) continue;
    const key = plan.rule.kind === 'MODEL_STATUS' ? `m\u0000${plan.rule.provider}\u0000${plan.rule.platform ?? ''}` : `c\u0000${plan.contractKey}`;
    groups.set(key, [...(groups.get(key) ?? []), plan]);
  }
  return [...groups.values()];
}

/** A new rule speaks of what holds now, not of its history: the FIRING of its episodes still open that fired in its history, if recent. */
function stillFiring(plan: RulePlan, horizon: number): NewDelivery[] {
  return [...plan.open.values()]
    .filter((alert) => alert.firedDecided <= plan.historyThrough && alert.firedDecided >= horizon - DELIVERY_HORIZON_MINUTES)
    .map((alert) => ({ alertId: alert.id, ruleId: plan.rule.id, transition: 'FIRING', body: deliveryBody(plan.rule, alert, 'FIRING', { late: false, withdrawn: false }) }));
}

/** A stable, readable alert id: the rule, the model (for a rule over each model) and the first minute. */
export function alertId(ruleId: string, subject: string, startedMinute: number): string {
  const start = new Date(startedMinute * MINUTE_MS).toISOString().slice(0, 16);
  return subject === '' ? `${ruleId}.${start}Z` : `${ruleId}.${subject}.${start}Z`;
}

/** Applies a transition to the plan's open alerts; returns the alert as it now is. */
function applyTransition(plan: RulePlan, subject: string, t: AlertTransition): StoredAlert {
  let alert: StoredAlert;
  if (t.transition === 'FIRING') {
    alert = {
      id: alertId(plan.rule.id, subject, t.startedAt), ruleId: plan.rule.id, subject, severity: t.severity, startedMinute: t.startedAt, firedDecided: t.decided,
      escalatedDecided: null, resolvedMinute: null, resolvedDecided: null,
    };
    plan.open.set(subject, alert);
  } else {
    const open = plan.open.get(subject);
    if (open === undefined) throw new Error(`rule ${plan.rule.id}: a ${t.transition} at minute ${t.decided} without an open alert for ${JSON.stringify(subject)}`);
    alert = t.transition === 'ESCALATED'
      ? { ...open, severity: t.severity, escalatedDecided: t.decided }
      : { ...open, resolvedMinute: t.resolvedAt, resolvedDecided: t.decided };
    if (t.transition === 'RESOLVED') plan.open.delete(subject);
    else plan.open.set(subject, alert);
  }
  return alert;
}

/** Steps a MODEL_STATUS rule through minutes with data (a minute without data neither counts nor breaks a run). */
function stepModelStatusRule(
  plan: RulePlan, minutes: readonly ModelMinute[], policies: DetectionPolicies,
  onTransition: (plan: RulePlan, transition: AlertTransition, subject: string) => void,
  onState: (plan: RulePlan, subject: string, minute: number, state: SubjectState) => void,
): void {
  const rule = { minSeverity: plan.rule.minSeverity as AlertableStatus, forMinutes: plan.rule.forMinutes };
  const classifiers = new Map<string, Classifier>();
  for (const row of minutes) {
    if (row.minute < plan.from || (plan.rule.model !== null && row.model !== plan.rule.model)) continue;
    const subject = plan.rule.model === null ? row.model : '';
    let classify = classifiers.get(row.model);
    if (classify === undefined) classifiers.set(row.model, (classify = classifier(policies.forModel(plan.rule.provider!, row.model))));
    const before = plan.states.get(subject) ?? quietState('MODEL_STATUS');
    const next = stepModelStatusSubject(before as SubjectState & { kind: 'MODEL_STATUS' }, row.minute, classify.status(row.failures, row.eligible), rule);
    if (next.transition !== null) onTransition(plan, next.transition, subject);
    if (changed(before, next.state)) {
      plan.states.set(subject, next.state);
      onState(plan, subject, row.minute, next.state);
    }
  }
}

/** Steps a BURN_RATE rule through every minute of [from, last]: windows slide over minutes without traffic too. */
function stepBurnRateRule(
  plan: RulePlan, tallies: MinuteTallies, from: number, last: number,
  onTransition: (plan: RulePlan, transition: AlertTransition, subject: string) => void,
  onState: (plan: RulePlan, subject: string, minute: number, state: SubjectState) => void,
): void {
  const target = plan.terms!.targetPercent;
  for (let minute = from; minute <= last; minute++) {
    const before = plan.states.get('') ?? quietState('BURN_RATE');
    const severity: AlertSeverity | null = tallies.severityAt(minute, target);
    // Quiet and nothing burning: nothing changes (most minutes of most contracts).
    if (severity === null && isQuiet(before)) continue;
    const next = stepBurnRateSubject(before as SubjectState & { kind: 'BURN_RATE' }, minute, severity, plan.rule.minSeverity as AlertSeverity);
    if (next.transition !== null) onTransition(plan, next.transition, '');
    if (changed(before, next.state)) {
      plan.states.set('', next.state);
      onState(plan, '', minute, next.state);
    }
  }
}

/**
 * A contract's failures and eligible units per minute of [first, last]: requests under its
 * failure rules, or for DOWNTIME_MINUTES one eligible minute each, failed when it is down (the
 * per-minute test; a run shorter than minConsecutiveMinutes still burns: an alert should not
 * wait for downtime to become long enough to count).
 */
function contractTallies(terms: ContractTerms, minutes: readonly ContractMinute[], first: number, last: number): MinuteTallies {
  const byMinute = new Map(minutes.map((m) => [m.minute, m]));
  if (terms.policy.kind === 'DOWNTIME_MINUTES') {
    const down = downMinuteTest(terms.policy);
    return new MinuteTallies(first, last, (minute) => {
      const m = byMinute.get(minute);
      return { failures: m !== undefined && down(m) ? 1 : 0, eligible: 1 };
    });
  }
  return new MinuteTallies(first, last, (minute) => byMinute.get(minute) ?? { failures: 0, eligible: 0 });
}

const changed = (a: SubjectState, b: SubjectState) => JSON.stringify(a) !== JSON.stringify(b);

function dedupeById(alerts: readonly StoredAlert[]): StoredAlert[] {
  return [...new Map(alerts.map((a) => [a.id, a])).values()];
}
