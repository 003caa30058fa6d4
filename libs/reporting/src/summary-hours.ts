import { eligibleOf, failuresOf, MINUTE_MS } from '@ledger/domain';
import type { RollupRow, SummaryRow } from './vendor-summary.repository';
import { WindowAccumulator } from './vendor-window';

const HOUR_MS = 3_600_000;
/** The series value meaning "all": every platform, or every model of the provider. */
const ALL = '';

/** One hour's summary rows (vendor_summaries, span 60), for every series the rollups touch. */
export interface SummaryHour {
  /** The hour's start, epoch ms. */
  start: number;
  rows: (SummaryRow & { platform: string })[];
}

/** A series being summarized over one hour: its sums, and its failures and eligible requests per minute. */
interface SeriesHour {
  platform: string;
  acc: WindowAccumulator;
  /** minute → [failures, eligible], summed over the series' rollups of that minute. */
  minutes: Map<number, [number, number]>;
}

/**
 * The hour rows of the vendor summaries, from the minute rollups of whole provider-hours (every
 * rollup of each provider-hour given must be among them). Each rollup counts towards four
 * series: its model on its platform, its model over all platforms, its provider's models on its
 * platform, and its provider's models over all platforms. A series' minute mix counts its
 * minutes by (failures, eligible) summed over the series' rollups of that minute — so a
 * provider's minute is judged on all its models together, as the comparison reads it.
 */
export function summarizeHours(rollups: Iterable<RollupRow>): SummaryHour[] {
  const hours = new Map<number, Map<string, SeriesHour>>();
  for (const rollup of rollups) {
    const start = Math.floor((rollup.minute * MINUTE_MS) / HOUR_MS) * HOUR_MS;
    let series = hours.get(start);
    if (series === undefined) hours.set(start, (series = new Map()));
    const counts = {
      successes: rollup.successes, errors: rollup.errors, timeouts: rollup.timeouts,
      rateLimited: rollup.rate_limited, clientErrors: rollup.client_errors,
    };
    const failures = failuresOf(counts);
    const eligible = eligibleOf(counts);
    for (const [platform, model] of [[rollup.platform, rollup.model], [ALL, rollup.model], [rollup.platform, ALL], [ALL, ALL]] as const) {
      const key = `${platform}\u0000${rollup.provider}\u0000${model}`;
      let entry = series.get(key);
      if (entry === undefined) series.set(key, (entry = { platform, acc: new WindowAccumulator(rollup.provider, model), minutes: new Map() }));
      entry.acc.addCounts(rollup);
      entry.acc.latency.addBytes(rollup.latency_sketch);
      entry.acc.ttft.addBytes(rollup.ttft_sketch);
      const minute = entry.minutes.get(rollup.minute);
      if (minute === undefined) entry.minutes.set(rollup.minute, [failures, eligible]);
      else {
        minute[0] += failures;
        minute[1] += eligible;
      }
    }
  }
  return [...hours].map(([start, series]) => ({
    start,
    rows: [...series.values()].map(({ platform, acc, minutes }) => {
      for (const [failures, eligible] of minutes.values()) acc.mix.add(failures, eligible, 1);
      return acc.toSummaryRow(platform);
    }),
  }));
}
