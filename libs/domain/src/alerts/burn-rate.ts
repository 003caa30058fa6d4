import { parseRatio, Ratio } from '../ratio';

/** How urgent an alert is: PAGE wakes someone, TICKET is for working hours. */
export type AlertSeverity = 'PAGE' | 'TICKET';

/** A contract's failures and eligible units (requests, or minutes for DOWNTIME_MINUTES) over one window. */
export interface WindowTally {
  failures: number;
  eligible: number;
}

/**
 * The multiwindow, multi-burn-rate conditions (Google's SRE workbook): a condition holds when
 * the burn rate is greater than `burnAbove` over both its long and its short window, each ending
 * at the last complete minute. PAGE conditions first.
 */
export const BURN_RATE_CONDITIONS = [
  { severity: 'PAGE', longMinutes: 60, shortMinutes: 5, burnAbove: '14.4' },
  { severity: 'PAGE', longMinutes: 360, shortMinutes: 30, burnAbove: '6' },
  { severity: 'TICKET', longMinutes: 1440, shortMinutes: 120, burnAbove: '3' },
  { severity: 'TICKET', longMinutes: 4320, shortMinutes: 360, burnAbove: '1' },
] as const satisfies readonly { severity: AlertSeverity; longMinutes: number; shortMinutes: number; burnAbove: string }[];

/** A burn-rate episode resolves once no condition has held for this many minutes. */
export const BURN_RATE_RESOLVE_MINUTES = 15;

/**
 * Whether the burn rate over a window — its failure ratio divided by the error budget,
 * 1 − targetPercent / 100 — is greater than `burn`. Exact, in BigInt: f / e / (1 − N / (100 D))
 * > k ⇔ f · 100 D > k · e · (100 D − N). A window without eligible units burns nothing; a 100 %
 * target has no budget, so any failure burns more than any rate.
 */
export function burnAbove(tally: WindowTally, targetPercent: string | Ratio, burn: string | Ratio): boolean {
  if (tally.failures <= 0 || tally.eligible <= 0) return false;
  const target = typeof targetPercent === 'string' ? parseRatio(targetPercent) : targetPercent;
  const k = typeof burn === 'string' ? parseRatio(burn) : burn;
  const hundredD = 100n * BigInt(target.denominator);
  const budget = hundredD - BigInt(target.numerator);
  return BigInt(tally.failures) * hundredD * BigInt(k.denominator) > BigInt(k.numerator) * BigInt(tally.eligible) * budget;
}

/**
 * The highest severity whose condition holds (PAGE before TICKET), or null: `over(minutes)` is
 * the contract's tally over the window of that many minutes ending at the last complete minute.
 */
export function burnRateSeverity(over: (minutes: number) => WindowTally, targetPercent: string): AlertSeverity | null {
  const target = parseRatio(targetPercent);
  for (const condition of BURN_RATE_CONDITIONS) {
    if (burnAbove(over(condition.longMinutes), target, condition.burnAbove) && burnAbove(over(condition.shortMinutes), target, condition.burnAbove)) {
      return condition.severity;
    }
  }
  return null;
}

/** An open burn-rate episode: when it started (epoch minutes), its highest severity so far, and the last minute a condition held. */
export interface BurnEpisode {
  startedAt: number;
  severity: AlertSeverity;
  lastHeldAt: number;
}

export type BurnTransition = { kind: 'FIRING'; severity: AlertSeverity } | { kind: 'ESCALATED'; severity: 'PAGE' } | { kind: 'RESOLVED'; at: number };

/**
 * One minute of a rule's evaluation, in minute order: a condition holding opens an episode (or
 * keeps it open, escalating a TICKET to a PAGE; a PAGE never drops back within the episode); an
 * open episode resolves at the end of the 15th minute in a row without one.
 */
export function stepBurnEpisode(episode: BurnEpisode | null, minute: number, severity: AlertSeverity | null): { episode: BurnEpisode | null; transition: BurnTransition | null } {
  if (severity !== null) {
    if (episode === null) return { episode: { startedAt: minute, severity, lastHeldAt: minute }, transition: { kind: 'FIRING', severity } };
    if (severity === 'PAGE' && episode.severity === 'TICKET') return { episode: { ...episode, severity, lastHeldAt: minute }, transition: { kind: 'ESCALATED', severity } };
    return { episode: { ...episode, lastHeldAt: minute }, transition: null };
  }
  if (episode !== null && minute - episode.lastHeldAt >= BURN_RATE_RESOLVE_MINUTES) {
    return { episode: null, transition: { kind: 'RESOLVED', at: episode.lastHeldAt + BURN_RATE_RESOLVE_MINUTES } };
  }
  return { episode, transition: null };
}
