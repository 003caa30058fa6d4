import { addCounts, ErrorStatusCounts, LatencySketch, OutcomeCounts } from '@ledger/domain';
import type { FoldedLog } from './log-fold';

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
  /** Its errors by HTTP status (concepts §9's failure rules need them); null when it has no errors. */
  errorStatuses: ErrorStatusCounts | null;
}

export const rollupKey = (r: { provider: string; model: string; platform: string; minute: number }) =>
  `${r.provider}\u0000${r.model}\u0000${r.platform}\u0000${r.minute}`;

/** One rollup of a folded log (a batch's) as an object. */
export function foldedRollup(log: FoldedLog, series: number, rollup: number): MinuteRollup {
  const { provider, model, platform } = log.series[series]!;
  return {
    provider, model, platform, minute: log.minute[rollup]!, counts: log.countsOf(rollup),
    latency: LatencySketch.fromPairs(log.sketchPairs(rollup, 'latency')), ttft: LatencySketch.fromPairs(log.sketchPairs(rollup, 'ttft')),
    errorStatuses: log.errorStatuses(rollup),
  };
}

/** Adds a delta to what the read model already holds for the same key. */
export function mergeRollups(existing: MinuteRollup, delta: MinuteRollup): MinuteRollup {
  return {
    ...existing,
    counts: addCounts(existing.counts, delta.counts),
    latency: LatencySketch.fromPairs(existing.latency.toPairs()).merge(delta.latency),
    ttft: LatencySketch.fromPairs(existing.ttft.toPairs()).merge(delta.ttft),
    errorStatuses: addStatusCounts(existing.errorStatuses, delta.errorStatuses),
  };
}

function addStatusCounts(a: ErrorStatusCounts | null, b: ErrorStatusCounts | null): ErrorStatusCounts | null {
  if (a === null || b === null) return a ?? b;
  const sum: Record<string, number> = { ...a };
  for (const [key, n] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + n;
  return sum;
}
