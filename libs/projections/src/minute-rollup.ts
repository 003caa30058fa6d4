import { addCounts, LatencySketch, minuteOf, NO_OUTCOMES, OutcomeCounts } from '@ledger/domain';
import type { BatchGroup } from '@ledger/event-store';

/** One (provider, model, platform, minute) of the rollup read model. */
export interface MinuteRollup {
  provider: string;
  model: string;
  platform: string;
  /** Minute index since the epoch. */
  minute: number;
  counts: OutcomeCounts;
  latency: LatencySketch;
  ttft: LatencySketch;
}

export const rollupKey = (r: { provider: string; model: string; platform: string; minute: number }) =>
  `${r.provider}\u0000${r.model}\u0000${r.platform}\u0000${r.minute}`;

const OUTCOME_FIELD: Record<string, keyof OutcomeCounts> = {
  success: 'successes',
  error: 'errors',
  timeout: 'timeouts',
  rate_limited: 'rateLimited',
  client_error: 'clientErrors',
};

/** Folds a batch's pre-aggregated groups into one rollup delta per (series, minute). */
export function foldBatch(groups: readonly BatchGroup[]): Map<string, MinuteRollup> {
  const deltas = new Map<string, MinuteRollup>();
  for (const g of groups) {
    const minute = minuteOf(g.minute.getTime());
    const key = rollupKey({ ...g, minute });
    let delta = deltas.get(key);
    if (delta === undefined) {
      delta = { provider: g.provider, model: g.model, platform: g.platform, minute, counts: { ...NO_OUTCOMES }, latency: new LatencySketch(), ttft: new LatencySketch() };
      deltas.set(key, delta);
    }
    if (g.kind === 'outcome') delta.counts[OUTCOME_FIELD[g.outcome]!] += g.count;
    else if (g.kind === 'latency') delta.latency.addToBucket(g.bucket, g.count);
    else delta.ttft.addToBucket(g.bucket, g.count);
  }
  return deltas;
}

/** Adds a delta to what the read model already holds for the same key. */
export function mergeRollups(existing: MinuteRollup | undefined, delta: MinuteRollup): MinuteRollup {
  if (existing === undefined) return delta;
  return {
    ...existing,
    counts: addCounts(existing.counts, delta.counts),
    latency: LatencySketch.fromPairs(existing.latency.toPairs()).merge(delta.latency),
    ttft: LatencySketch.fromPairs(existing.ttft.toPairs()).merge(delta.ttft),
  };
}

export function eventCount(c: OutcomeCounts): number {
  return c.successes + c.errors + c.timeouts + c.rateLimited + c.clientErrors;
}
