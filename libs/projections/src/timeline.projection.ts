import { Injectable } from '@nestjs/common';
import { Transaction } from 'kysely';
import type pg from 'pg';
import { DB, onClient, withRawClient } from '@ledger/database';
import { DAY_MS, MINUTE_MS } from '@ledger/domain';
import { LogDaySize, OutcomeLogReader } from '@ledger/event-store';
import { TIMELINE_PROJECTION } from './checkpoint.repository';
import { CopyOutChunks, CopyOutSubmittable } from './copy-out-chunks';
import { DetectionPolicies, DetectionPolicyRepository } from './detection-policy.repository';
import { IncidentRepository } from './incident.repository';
import { FoldedLog, LogFolder, OUTCOME_CODES } from './log-fold';
import { MinuteRollup } from './minute-rollup';
import { mergeBatch, summedHoursOf } from './batch-merge';
import { HourRollupRepository } from './hour-rollup.repository';
import { MinuteRollupRepository, SeriesKey } from './minute-rollup.repository';
import { ChangedSeries, OutageDeriver } from './outage-deriver';
import { OutageRepository } from './outage.repository';
import { LogBatch, Projection, RebuildContext, RebuiltReadModels } from './projection';
import { incidentsOfOutages, ReplayedOutages } from './replay-outages';
import { ProviderHour, ProviderMinutes, RollupChangeRepository, RollupDay } from './rollup-change.repository';
import { SeriesWindow } from './series-window';
import { SketchBuckets } from './sketch-buckets';

/** Events a batch's fold arrays start with room for. */
const FIRST_BATCH_ARRAYS = 32_768;

/**
 * The timeline: minute rollups per (provider, model, platform, minute) and their sums per hour, the outages derived
 * from them (concepts §3) and the incidents those group into (concepts §5). A batch is folded in
 * Node by the code that folds the whole log in a rebuild (streamed out by binary COPY), merged
 * into the stored rollups, the outages of every series it touched are derived again around the
 * minutes it changed, and the incidents around those outages grouped again (outage-deriver.ts).
 * The provider-hours a batch changed are recorded for the projections that follow (rollup_changes;
 * the span of minutes per provider in alert_rollup_changes, for the alerts).
 */
@Injectable()
export class TimelineProjection implements Projection {
  readonly name = TIMELINE_PROJECTION;
  // Queries filter the rollups on their key columns only; the sketches would cost most of the sampling.
  readonly tables = [
    { name: 'minute_rollups', analyze: ['platform', 'provider', 'model', 'minute'] }, { name: 'hour_rollups' }, { name: 'outages' }, { name: 'incidents' },
    // A rebuild leaves them empty: the followers' own rebuilds start from the rebuilt rollups.
    { name: 'rollup_changes', bulkLoad: false },
    { name: 'alert_rollup_changes', bulkLoad: false },
    // A rebuild starts it empty: what changed before it is of no use to a reader of the new generation.
    { name: 'rollup_day_changes', bulkLoad: false },
  ] as const;

  constructor(
    private readonly log: OutcomeLogReader,
    private readonly rollups: MinuteRollupRepository,
    private readonly hours: HourRollupRepository,
    private readonly outages: OutageRepository,
    private readonly incidents: IncidentRepository,
    private readonly deriver: OutageDeriver,
    private readonly policies: DetectionPolicyRepository,
    private readonly changes: RollupChangeRepository,
  ) {}

  /** The latency buckets' table, asked of Postgres once (it depends on the code, not the data). */
  private buckets: Promise<SketchBuckets | null> | undefined;

  async fold(trx: Transaction<DB>, batch: LogBatch): Promise<number> {
    const buckets = await (this.buckets ??= SketchBuckets.load(trx).catch((error: unknown) => {
      this.buckets = undefined;
      throw error;
    }));
    const query = this.log.batchCopy(batch.after, batch.end, batch.maxEvents, { outcomeCodes: OUTCOME_CODES, bucketInPostgres: buckets === null });
    // Sized for a tick's batch: a batch grown for a backlog grows its arrays as it goes.
    const folded = await this.log.inCommitOrder(trx, () => foldCopy(batch.client, query, buckets, Math.min(batch.maxEvents, FIRST_BATCH_ARRAYS)));
    if (folded.events > batch.maxEvents) throw new Error(`the batch after ${batch.after.globalPosition} holds more than ${batch.maxEvents} events`);
    // The batch's rollups whose keys are stored get their counts added; the others are new rows,
    // copied in as they were folded (in a log in time order, nearly all of them). Their hours follow.
    const windows = windowsAround(folded);
    const stored = storedBySeries(folded, await this.rollups.loadInWindows(trx, windows.flat()));
    const { merged, isNew, summed, changed } = mergeBatch(folded, windows, stored);
    if (isNew.includes(1)) await this.rollups.copyFolded(batch.client, folded, { freeze: false, only: (r) => isNew[r] === 1 });
    await this.rollups.upsert(trx, merged);
    await this.hours.apply(trx, summed, changed);
    await this.deriver.rederive(trx, changedSeries(folded), await this.policies.load(trx));
    const { hours, days, spans } = changesOf(folded);
    await this.changes.record(trx, batch.end, hours);
    await this.changes.recordMinuteSpans(trx, batch.end, spans);
    await this.changes.recordDays(trx, batch.end, days);
    return folded.events;
  }

  /**
   * The log up to the horizon folded in memory a stretch of days at a time (log-fold.ts), each
   * stretch streamed out of its days' partitions by binary COPY while the one before is written:
   * its rollups COPY'd in key order and its hours summed, and the minutes its outages need kept
   * (replay-outages.ts). Once every stretch is written, the outages are derived from those, and
   * the incidents grouped from them. A stretch is dropped once written, so what a rebuild holds
   * follows the stretch and the outages, not the log.
   */
  async rebuild(context: RebuildContext): Promise<RebuiltReadModels> {
    context.report('folding', 0);
    const policies = await this.policies.load(context.db);
    const buckets = await SketchBuckets.load(context.db);
    const fold = (stretch: DayStretch) => {
      const query = this.log.stretchCopy(context.end, stretch.days, { outcomeCodes: OUTCOME_CODES, bucketInPostgres: buckets === null });
      return withRawClient(context.db, (client) => foldCopy(client, query, buckets, stretch.bytes / LOG_BYTES_PER_EVENT));
    };
    const replayed = new ReplayedOutages(policies);
    let events = 0;
    await context.intoAsideTables(async (client) => {
      // Held until the rebuild's tables are written: retention can neither detach nor drop a day before it is read.
      const stretches = dayStretches(await this.log.lockDaysInLog(onClient(client)), context.stretchBytes);
      let next = stretches.length > 0 ? fold(stretches[0]!) : null;
      for (let i = 0; next !== null; i++) {
        const folded = await next;
        // The next stretch is read and folded while Postgres loads this one.
        next = i + 1 < stretches.length ? fold(stretches[i + 1]!) : null;
        // A failed write ends the rebuild with the next fold still running: it fails or finishes on its own connection.
        next?.catch(() => undefined);
        await this.rollups.copyFolded(client, folded, { freeze: true });
        await this.hours.write(onClient(client), summedHoursOf(folded), { empty: true });
        replayed.add(folded);
        context.report('folding', (events += folded.events));
      }
      context.report('writing', events);
      const derived = await replayed.derive();
      await this.outages.copyIn(client, derived);
      await this.incidents.copyIn(client, incidentsOfOutages(derived, policies));
    });
    // Made apart from this scope: a closure made here would keep what it holds alive until the
    // swap, through the other projections' rebuilds.
    return { events, beforeSwap: this.rederiveIfPoliciesChanged(policies) };
  }

  /** A policy set while the log was folding re-derived the public outages (and incidents), not the rebuilt ones: derive them again. */
  private rederiveIfPoliciesChanged(foldedWith: DetectionPolicies): (trx: Transaction<DB>) => Promise<void> {
    return async (trx) => {
      const current = await this.policies.load(trx);
      if (current.sameAs(foldedWith)) return;
      await this.deriver.rederiveAll(trx, await this.rollups.allSeries(trx), current);
    };
  }
}

/** About what an event takes in its partition (a stretch's fold arrays are sized by it). */
const LOG_BYTES_PER_EVENT = 160;

/** Days of the log (YYYY-MM-DD, in order, one after another in the log) whose partitions take `bytes`. */
interface DayStretch {
  days: string[];
  bytes: number;
}

/**
 * The log's days (in order) in stretches of at least one day and, past that, at most `maxBytes`
 * of partitions. A day's partition holds exactly the events of that UTC day's minutes, so no
 * minute is folded in two stretches, and the stretches follow each other in time.
 */
export function dayStretches(days: readonly LogDaySize[], maxBytes: number): DayStretch[] {
  const stretches: DayStretch[] = [];
  let current: DayStretch | undefined;
  for (const { day, bytes } of days) {
    if (current !== undefined && current.bytes + bytes <= maxBytes) {
      current.days.push(day);
      current.bytes += bytes;
    } else stretches.push((current = { days: [day], bytes }));
  }
  return stretches;
}

/** Folds the rows a COPY of the log streams (`OutcomeLogReader.stretchCopy`, `batchCopy`), `expectedEvents` or so of them. */
async function foldCopy(client: pg.ClientBase, query: string, buckets: SketchBuckets | null, expectedEvents: number): Promise<FoldedLog> {
  const folder = new LogFolder(buckets, expectedEvents);
  const copy = new CopyOutChunks(query, (payload) => folder.push(payload));
  client.query(copy as CopyOutSubmittable);
  await copy.done;
  return folder.finish();
}

/** The series whose minutes a folded batch changed: each model over all platforms, and each platform's own. */
function changedSeries(folded: FoldedLog): ChangedSeries[] {
  const ofModel = new Map<string, { series: SeriesKey; minutes: number[] }>();
  const ofPlatform = folded.series.map(({ provider, model, platform }, index) => {
    const minutes = Array.from(folded.rollupsOfSeries[index]!, (r) => folded.minute[r]!);
    const key = `${provider}\u0000${model}`;
    const modelSeries = ofModel.get(key);
    if (modelSeries === undefined) ofModel.set(key, { series: { provider, model, platform: null }, minutes: [...minutes] });
    else for (const minute of minutes) modelSeries.minutes.push(minute);
    return { series: { provider, model, platform }, minutes };
  });
  return [...ofModel.values(), ...ofPlatform];
}

/**
 * What a folded batch changed, for the projections and readers that follow the timeline: the
 * provider-hours (UTC) it has rollups in, the platforms', providers' and UTC days' rollups, and
 * per provider the first and last minute — in one pass over its rollups.
 */
function changesOf(folded: FoldedLog): { hours: ProviderHour[]; days: RollupDay[]; spans: ProviderMinutes[] } {
  const hours = new Map<string, ProviderHour>();
  const days = new Map<string, RollupDay>();
  const spans = new Map<string, ProviderMinutes>();
  folded.series.forEach(({ platform, provider }, index) => {
    for (const r of folded.rollupsOfSeries[index]!) {
      const minute = folded.minute[r]!;
      const hour = Math.floor(minute / 60) * 60;
      const hourKey = `${provider}\u0000${hour}`;
      if (!hours.has(hourKey)) hours.set(hourKey, { provider, start: new Date(hour * MINUTE_MS) });
      const day = Math.floor((minute * MINUTE_MS) / DAY_MS) * DAY_MS;
      const dayKey = `${platform}\u0000${provider}\u0000${day}`;
      if (!days.has(dayKey)) days.set(dayKey, { platform, provider, day });
      const span = spans.get(provider);
      if (span === undefined) spans.set(provider, { provider, first: minute, last: minute });
      else if (minute < span.first) span.first = minute;
      else if (minute > span.last) span.last = minute;
    }
  });
  return { hours: [...hours.values()], days: [...days.values()], spans: [...spans.values()] };
}

/** Stored rollups by the batch's series they belong to (indexed like `folded.series`), each in minute order. */
function storedBySeries(folded: FoldedLog, rollups: readonly MinuteRollup[]): MinuteRollup[][] {
  const key = (s: { provider: string; model: string; platform: string }) => `${s.provider}\u0000${s.model}\u0000${s.platform}`;
  const indexOf = new Map(folded.series.map((series, index) => [key(series), index]));
  const bySeries = folded.series.map((): MinuteRollup[] => []);
  for (const rollup of rollups) bySeries[indexOf.get(key(rollup))!]!.push(rollup);
  for (const list of bySeries) list.sort((a, b) => a.minute - b.minute);
  return bySeries;
}

/** Minutes of a series this far apart or more are looked up in separate windows (a late event far behind the rest). */
const LOOKUP_GAP_MINUTES = 60;

/**
 * Windows covering every rollup of a folded batch, per series (indexed like `folded.series`),
 * split where its minutes lie far apart. A window an hour long or more is widened to whole hours
 * (at most twice 59 more minutes), so that its hours are summed from minutes at hand; a shorter
 * one (a late event) is not, and its hour is read and changed by the difference instead.
 */
function windowsAround(folded: FoldedLog): SeriesWindow[][] {
  return folded.series.map(({ provider, model, platform }, index) => {
    const series = { provider, model, platform };
    const windows: SeriesWindow[] = [];
    let window: SeriesWindow | undefined;
    for (const r of folded.rollupsOfSeries[index]!) {
      const minute = folded.minute[r]!;
      if (window !== undefined && minute - window.to < LOOKUP_GAP_MINUTES) window.to = minute + 1;
      else windows.push((window = { series, from: minute, to: minute + 1 }));
    }
    for (const w of windows) {
      if (w.to - w.from < 60) continue;
      w.from = Math.floor(w.from / 60) * 60;
      w.to = Math.ceil(w.to / 60) * 60;
    }
    return windows;
  });
}

/** The timeline wired by hand (the CLI and tests build a runner without Nest). */
export function createTimelineProjection(): TimelineProjection {
  const rollups = new MinuteRollupRepository();
  const outages = new OutageRepository();
  const incidents = new IncidentRepository();
  return new TimelineProjection(
    new OutcomeLogReader(), rollups, new HourRollupRepository(), outages, incidents, new OutageDeriver(rollups, outages, incidents), new DetectionPolicyRepository(),
    new RollupChangeRepository(),
  );
}
