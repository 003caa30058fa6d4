import { eligibleOf, OutcomeCounts } from './detection';
import { LatencySketch } from './latency-sketch';

/** What a window holds for one provider's model (or all its models), for the comparison of concepts §7. */
export interface VendorWindow {
  provider: string;
  /** null for the provider's row (all its models together). */
  model: string | null;
  counts: OutcomeCounts;
  latency: LatencySketch;
  ttft: LatencySketch;
  /** Minutes with enough requests to have a status (not no_data), and how many of those were operational. */
  minutesWithStatus: number;
  operationalMinutes: number;
  /** The outages that start in the window: how many, their whole durations summed, and the longest (minutes). */
  outages: { count: number; minutes: number; longest: number };
  windowMinutes: number;
}

export interface VendorScore {
  provider: string;
  model: string | null;
  rank: number;
  eligibleRequests: number;
  availabilityPercent: number | null;
  operationalMinutesPercent: number | null;
  outages: number;
  outageMinutes: number;
  mttrMinutes: number | null;
  mtbfMinutes: number | null;
  longestOutageMinutes: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p99LatencyMs: number | null;
  ttftP95Ms: number | null;
  outcomes: OutcomeCounts;
}

/** Scores each window (concepts §7) and ranks them: availability descending, then p95 latency ascending. */
export function scoreVendors(windows: readonly VendorWindow[]): VendorScore[] {
  const scores = windows.map((w): VendorScore => {
    const eligible = eligibleOf(w.counts);
    const { count: outages, minutes: outageMinutes, longest } = w.outages;
    return {
      provider: w.provider,
      model: w.model,
      rank: 0,
      eligibleRequests: eligible,
      availabilityPercent: eligible === 0 ? null : (100 * w.counts.successes) / eligible,
      operationalMinutesPercent: w.minutesWithStatus === 0 ? null : (100 * w.operationalMinutes) / w.minutesWithStatus,
      outages,
      outageMinutes,
      mttrMinutes: outages === 0 ? null : outageMinutes / outages,
      mtbfMinutes: outages === 0 ? null : (w.windowMinutes - outageMinutes) / outages,
      longestOutageMinutes: outages === 0 ? null : longest,
      p50LatencyMs: w.latency.quantile(0.5),
      p95LatencyMs: w.latency.quantile(0.95),
      p99LatencyMs: w.latency.quantile(0.99),
      ttftP95Ms: w.ttft.quantile(0.95),
      outcomes: w.counts,
    };
  });
  const order = [...scores].sort(
    (a, b) =>
      (b.availabilityPercent ?? -1) - (a.availabilityPercent ?? -1) ||
      (a.p95LatencyMs ?? Infinity) - (b.p95LatencyMs ?? Infinity) ||
      a.provider.localeCompare(b.provider) ||
      (a.model ?? '').localeCompare(b.model ?? ''),
  );
  order.forEach((s, i) => (s.rank = i + 1));
  return order;
}
