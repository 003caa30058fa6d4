import { Injectable } from '@nestjs/common';
import { Transaction } from 'kysely';
import { Database, DB, withRawClient } from '@ledger/database';
import { LogPosition, OutcomeLogReader } from '@ledger/event-store';
import { CopyOutChunks, CopyOutSubmittable } from './copy-out-chunks';
import { DetectionPolicyRepository } from './detection-policy.repository';
import { FoldedLog, LogFolder, OUTCOME_CODES } from './log-fold';
import { eventCount, foldBatch, mergeRollups, MinuteRollup, rollupKey } from './minute-rollup';
import { MinuteRollupRepository, SeriesKey } from './minute-rollup.repository';
import { OutageDeriver } from './outage-deriver';
import { OutageRepository } from './outage.repository';
import { LogBatch, Projection, RebuildContext, RebuiltReadModels } from './projection';
import { deriveFoldedOutagesInTurns } from './replay-outages';
import { SketchBuckets } from './sketch-buckets';

export const TIMELINE_PROJECTION = 'timeline';

/**
 * The timeline: minute rollups per (provider, model, platform, minute), and the outages derived
 * from them (concepts §3). A batch is pre-aggregated by Postgres, merged into the stored rollups,
 * and the outages of every series it touched are derived again around the minutes it changed.
 */
@Injectable()
export class TimelineProjection implements Projection {
  readonly name = TIMELINE_PROJECTION;
  // Queries filter the rollups on their key columns only; the sketches would cost most of the sampling.
  readonly tables = [{ name: 'minute_rollups', analyze: ['platform', 'provider', 'model', 'minute'] }, { name: 'outages' }] as const;

  constructor(
    private readonly log: OutcomeLogReader,
    private readonly rollups: MinuteRollupRepository,
    private readonly outages: OutageRepository,
    private readonly deriver: OutageDeriver,
    private readonly policies: DetectionPolicyRepository,
  ) {}

  async fold(trx: Transaction<DB>, batch: LogBatch): Promise<number> {
    const deltas = foldBatch(await this.log.aggregate(trx, batch.after, batch.end));
    const existing = new Map((await this.rollups.load(trx, [...deltas.values()])).map((r) => [rollupKey(r), r]));
    const merged: MinuteRollup[] = [];
    let events = 0;
    for (const [key, delta] of deltas) {
      merged.push(mergeRollups(existing.get(key), delta));
      events += eventCount(delta.counts);
    }
    await this.rollups.upsert(trx, merged);
    const policies = await this.policies.load(trx);
    for (const { series, minutes } of touchedSeries(merged)) await this.deriver.rederive(trx, series, minutes, policies);
    return events;
  }

  /**
   * One scan of the log up to the horizon, streamed as binary COPY and folded in memory
   * (log-fold.ts); the rollups COPY'd in key order while Node derives every outage from them
   * (replay-outages.ts); then the outages.
   */
  async rebuild(context: RebuildContext): Promise<RebuiltReadModels> {
    context.report('folding', 0);
    const policies = await this.policies.load(context.db);
    const log = await foldWholeLog(context.db, this.log, context.end, (folded) => context.report('folding', folded));
    context.report('writing', log.events);
    await context.intoAsideTables(async (client) => {
      // Postgres loads the rollups while Node derives the outages from them between chunks.
      const [derived] = await Promise.all([deriveFoldedOutagesInTurns(log, policies), this.rollups.copyFolded(client, log)]);
      await this.outages.copyIn(client, derived);
    });
    return {
      events: log.events,
      // A policy set while the log was folding re-derived the public outages, not these: derive them again.
      beforeSwap: async (trx) => {
        const current = await this.policies.load(trx);
        if (current.sameAs(policies)) return;
        for (const series of await this.rollups.allSeries(trx)) await this.deriver.rederiveAll(trx, series, current);
      },
    };
  }
}

/**
 * Folds the log up to `end` (inclusive, in commit order) into rollups in memory: one scan,
 * streamed as binary COPY (log-fold.ts). Latencies are bucketed in Node with a table that agrees
 * with the expression the incremental path uses in Postgres (sketch-buckets.ts), or by Postgres
 * with that expression when no such table could be made. Rows at or before a commit-safe
 * position are fixed, so the result depends on `end` alone.
 */
async function foldWholeLog(db: Database, reader: OutcomeLogReader, end: LogPosition, onProgress: (events: number) => void): Promise<FoldedLog> {
  const buckets = await SketchBuckets.load(db);
  const query = reader.replayCopy(end, { outcomeCodes: OUTCOME_CODES, bucketInPostgres: buckets === null });
  return withRawClient(db, async (client) => {
    const folder = new LogFolder(buckets, Number(end.globalPosition));
    let chunks = 0;
    const copy = new CopyOutChunks(query, (payload) => {
      folder.push(payload);
      if (++chunks % 1024 === 0) onProgress(folder.eventCount);
    });
    client.query(copy as CopyOutSubmittable);
    await copy.done;
    return folder.finish();
  });
}

/** The series whose minutes a batch changed: each model over all platforms, and each platform's own. */
function touchedSeries(rollups: readonly MinuteRollup[]): { series: SeriesKey; minutes: number[] }[] {
  const bySeries = new Map<string, { series: SeriesKey; minutes: number[] }>();
  const touch = (series: SeriesKey, minute: number) => {
    const key = `${series.provider}\u0000${series.model}\u0000${series.platform ?? ''}`;
    let entry = bySeries.get(key);
    if (entry === undefined) bySeries.set(key, (entry = { series, minutes: [] }));
    entry.minutes.push(minute);
  };
  for (const r of rollups) {
    touch({ provider: r.provider, model: r.model, platform: null }, r.minute);
    touch({ provider: r.provider, model: r.model, platform: r.platform }, r.minute);
  }
  return [...bySeries.values()];
}

/** The timeline wired by hand (the CLI and tests build a runner without Nest). */
export function createTimelineProjection(): TimelineProjection {
  const rollups = new MinuteRollupRepository();
  const outages = new OutageRepository();
  return new TimelineProjection(new OutcomeLogReader(), rollups, outages, new OutageDeriver(rollups, outages), new DetectionPolicyRepository());
}
