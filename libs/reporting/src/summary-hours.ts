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
 *
 * A rollup's sketches are decoded once, into its own series (a model on a platform); the three
 * coarser series are merged from those, a few dozen per hour rather than one per rollup.
 */
export function summarizeHours(rollups: Iterable<RollupRow>): SummaryHour[] {
  const hours = new Map<number, Map<string, SeriesHour>>();
  for (const rollup of rollups) {
    const start = Math.floor((rollup.minute * MINUTE_MS) / HOUR_MS) * HOUR_MS;
    let series = hours.get(start);
    if (series === undefined) hours.set(start, (series = new Map()));
    const entry = seriesHour(series, rollup.platform, rollup.provider, rollup.model);
    entry.acc.addCounts(rollup);
    entry.acc.latency.addBytes(rollup.latency_sketch);
    entry.acc.ttft.addBytes(rollup.ttft_sketch);
    const counts = {
      successes: rollup.successes, errors: rollup.errors, timeouts: rollup.timeouts,
      rateLimited: rollup.rate_limited, clientErrors: rollup.client_errors,
    };
    addMinute(entry.minutes, rollup.minute, failuresOf(counts), eligibleOf(counts));
  }
  return [...hours].map(([start, ownSeries]) => {
    const series = new Map(ownSeries);
    for (const own of ownSeries.values()) {
      const { provider, model } = own.acc;
      for (const [platform, coarserModel] of [[ALL, model!], [own.platform, ALL], [ALL, ALL]] as const) {
        const coarser = seriesHour(series, platform, provider, coarserModel);
        coarser.acc.addCountsAndSketches(own.acc);
        for (const [minute, [failures, eligible]] of own.minutes) addMinute(coarser.minutes, minute, failures, eligible);
      }
    }
    return {
      start,
      rows: [...series.values()].map(({ platform, acc, minutes }) => {
        for (const [failures, eligible] of minutes.values()) acc.mix.add(failures, eligible, 1);
        return acc.toSummaryRow(platform);
      }),
    };
  });
}

/** The series of (platform, provider, model) in one hour's map, added empty if new. */
function seriesHour(series: Map<string, SeriesHour>, platform: string, provider: string, model: string): SeriesHour {
  const key = `${platform}\u0000${provider}\u0000${model}`;
  let entry = series.get(key);
  if (entry === undefined) series.set(key, (entry = { platform, acc: new WindowAccumulator(provider, model), minutes: new Map() }));
  return entry;
}

function addMinute(minutes: Map<number, [number, number]>, minute: number, failures: number, eligible: number): void {
  const sums = minutes.get(minute);
  if (sums === undefined) minutes.set(minute, [failures, eligible]);
  else {
    sums[0] += failures;
    sums[1] += eligible;
  }
}
