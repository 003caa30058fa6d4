import { Classifier, LatencySketch, MAX_SKETCH_BUCKET, OutcomeCounts, VendorWindow, ZERO_BUCKET } from '@ledger/domain';
import { encodeMinuteMix, encodeSketchPairs, forEachMinuteMix, forEachSketchPair } from '@ledger/codec';
import type { SummaryRow } from './vendor-summary.repository';

/**
 * Sketch buckets as a dense array while many pieces are merged (adding two numbers per pair
 * beats map look-ups when thousands of day and hour sketches meet): one slot per bucket from the
 * zero bucket to the highest (about 1,075).
 */
const BUCKET_OFFSET = -ZERO_BUCKET;
const BUCKET_SLOTS = MAX_SKETCH_BUCKET + BUCKET_OFFSET + 1;

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export class DenseSketch {
  private readonly counts = new Float64Array(BUCKET_SLOTS);
  private readonly addPair = (bucket: number, count: number) => this.add(bucket, count);

  /** The stored form of rollups and summaries (@ledger/codec). */
  addBytes(bytes: Buffer): void {
    forEachSketchPair(bytes, this.addPair);
  }

  /** Another sketch's counts. */
  addSketch(other: DenseSketch): void {
    const counts = this.counts;
    const theirs = other.counts;
    for (let slot = 0; slot < BUCKET_SLOTS; slot++) counts[slot] = counts[slot]! + theirs[slot]!;
  }

  /** The stored form. */
  toBytes(): Buffer {
    const pairs: number[] = [];
    const counts = this.counts;
    for (let slot = 0; slot < BUCKET_SLOTS; slot++) {
      const count = counts[slot]!;
      if (count > 0) pairs.push(slot - BUCKET_OFFSET, count);
    }
    return asBuffer(encodeSketchPairs(pairs));
  }

  toSketch(): LatencySketch {
    const sketch = new LatencySketch();
    this.counts.forEach((count, slot) => {
      if (count > 0) sketch.addToBucket(slot - BUCKET_OFFSET, count);
    });
    return sketch;
  }

  private add(bucket: number, count: number): void {
    const slot = bucket + BUCKET_OFFSET;
    if (slot < 0 || slot >= BUCKET_SLOTS) throw new Error(`latency sketch bucket ${bucket} is out of range`);
    this.counts[slot] = this.counts[slot]! + count;
  }
}

/** How many minutes had each (failures, eligible): enough to judge minute statuses under any policy. */
export class MinuteMix {
  /** eligible → failures → minutes. */
  private readonly byEligible = new Map<number, Map<number, number>>();

  add(failures: number, eligible: number, minutes: number): void {
    if (eligible <= 0) return;
    let byFailures = this.byEligible.get(eligible);
    if (byFailures === undefined) this.byEligible.set(eligible, (byFailures = new Map()));
    byFailures.set(failures, (byFailures.get(failures) ?? 0) + minutes);
  }

  /** The stored summary form (@ledger/codec). */
  addBytes(bytes: Buffer): void {
    forEachMinuteMix(bytes, (failures, eligible, minutes) => this.add(failures, eligible, minutes));
  }

  /** The stored summary form (by failures, then eligible: the same bytes for the same mix, however it was added up). */
  toBytes(): Buffer {
    const entries: [failures: number, eligible: number, minutes: number][] = [];
    for (const [eligible, byFailures] of this.byEligible) for (const [failures, minutes] of byFailures) entries.push([failures, eligible, minutes]);
    entries.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return asBuffer(encodeMinuteMix(entries.flat()));
  }

  /** Minutes with a status (not no_data) and, of those, operational ones. */
  judge(classify: Classifier): { minutesWithStatus: number; operationalMinutes: number } {
    let minutesWithStatus = 0;
    let operationalMinutes = 0;
    for (const [eligible, byFailures] of this.byEligible) {
      for (const [failures, minutes] of byFailures) {
        const status = classify.status(failures, eligible);
        if (status === 'no_data') continue;
        minutesWithStatus += minutes;
        if (status === 'operational') operationalMinutes += minutes;
      }
    }
    return { minutesWithStatus, operationalMinutes };
  }
}

/** One comparison row being put together from summary rows, edge minutes and outage totals. */
export class WindowAccumulator {
  readonly counts: OutcomeCounts = { successes: 0, errors: 0, timeouts: 0, rateLimited: 0, clientErrors: 0 };
  readonly latency = new DenseSketch();
  readonly ttft = new DenseSketch();
  readonly mix = new MinuteMix();
  outages = { count: 0, minutes: 0, longest: 0 };

  constructor(
    readonly provider: string,
    readonly model: string | null,
  ) {}

  addCounts(c: { successes: number; errors: number; timeouts: number; rate_limited: number; client_errors: number }): void {
    this.counts.successes += c.successes;
    this.counts.errors += c.errors;
    this.counts.timeouts += c.timeouts;
    this.counts.rateLimited += c.rate_limited;
    this.counts.clientErrors += c.client_errors;
  }

  /** Another accumulator's counts and sketches (not its minute mix or outages). */
  addCountsAndSketches(other: WindowAccumulator): void {
    const c = other.counts;
    this.addCounts({ successes: c.successes, errors: c.errors, timeouts: c.timeouts, rate_limited: c.rateLimited, client_errors: c.clientErrors });
    this.latency.addSketch(other.latency);
    this.ttft.addSketch(other.ttft);
  }

  /** A stored summary row: counts, sketches and minute mix. */
  addRow(row: { successes: number; errors: number; timeouts: number; rate_limited: number; client_errors: number; latency_sketch: Buffer; ttft_sketch: Buffer; minute_mix: Buffer }): void {
    this.addCounts(row);
    this.latency.addBytes(row.latency_sketch);
    this.ttft.addBytes(row.ttft_sketch);
    this.mix.addBytes(row.minute_mix);
  }

  /** What it holds as a stored summary row of `platform` ('' for all); a model row, or a provider row with model ''. */
  toSummaryRow(platform: string): SummaryRow & { platform: string } {
    return {
      platform, provider: this.provider, model: this.model ?? '',
      successes: this.counts.successes, errors: this.counts.errors, timeouts: this.counts.timeouts,
      rate_limited: this.counts.rateLimited, client_errors: this.counts.clientErrors,
      latency_sketch: this.latency.toBytes(), ttft_sketch: this.ttft.toBytes(), minute_mix: this.mix.toBytes(),
    };
  }

  addOutages(o: { count: number; minutes: number; longest: number }): void {
    this.outages = { count: this.outages.count + o.count, minutes: this.outages.minutes + o.minutes, longest: Math.max(this.outages.longest, o.longest) };
  }

  toWindow(classify: Classifier, windowMinutes: number): VendorWindow {
    return {
      provider: this.provider,
      model: this.model,
      counts: { ...this.counts },
      latency: this.latency.toSketch(),
      ttft: this.ttft.toSketch(),
      ...this.mix.judge(classify),
      outages: this.outages,
      windowMinutes,
    };
  }
}
