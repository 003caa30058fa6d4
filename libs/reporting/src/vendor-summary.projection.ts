import { Injectable } from '@nestjs/common';
import { Transaction } from 'kysely';
import type { DB } from '@ledger/database';
import {
  CheckpointRepository, foregroundRequests, LogBatch, Projection, RebuildContext, RebuiltReadModels, RollupChangeRepository, TIMELINE_PROJECTION,
} from '@ledger/projections';
import { summarizeHours } from './summary-hours';
import { SummaryRow, SummaryUnit, VendorSummaryRepository } from './vendor-summary.repository';
import { WindowAccumulator } from './vendor-window';
import { BLOCK, DAY, HOUR, SummarySpan } from './window-plan';

export const VENDOR_SUMMARIES_PROJECTION = 'vendor-summaries';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const BLOCK_MS = BLOCK * 60_000;
/** Hours of rollups a rebuild summarizes per statement (a divisor of 24). */
const REBUILD_HOURS = 1;
const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const floorBlock = (ms: number) => Math.floor(ms / BLOCK_MS) * BLOCK_MS;

/**
 * The vendor summaries (see their migration): the minute rollups pre-merged per hour, UTC day and
 * ten-day block, so that a comparison over months reads thousands of rows, not millions. It
 * follows the timeline: the timeline's batches record the provider-hours whose rollups they
 * changed (rollup_changes), and a batch of this projection takes those and summarizes the hours
 * again from the rollups, in Node (summary-hours.ts), with the days and blocks that hold them if
 * they already have rows. Days get rows once they have ended (`settle`), blocks once their days
 * have.
 */
@Injectable()
export class VendorSummaryProjection implements Projection {
  readonly name = VENDOR_SUMMARIES_PROJECTION;
  readonly follows = TIMELINE_PROJECTION;
  // Written with ON CONFLICT even by the rebuild: their keys exist from the start.
  // Queries filter the summaries on their key; the sketches and minute mixes would cost most of the sampling.
  readonly tables = [
    { name: 'vendor_summaries', bulkLoad: false, analyze: ['platform', 'span_minutes', 'start_minute', 'provider', 'model'] },
    { name: 'vendor_summary_state', bulkLoad: false },
  ] as const;

  constructor(
    private readonly changes: RollupChangeRepository,
    private readonly summaries: VendorSummaryRepository,
    private readonly checkpoints: CheckpointRepository,
  ) {}

  async fold(trx: Transaction<DB>, batch: LogBatch): Promise<number> {
    if (batch.events === null) throw new Error(`${this.name} folds what the timeline has folded, and is run as its follower`);
    const hours = await this.changes.take(trx, batch.after, batch.end);
    for (const units of groupBy(hours, (h) => floorDay(h.start.getTime()))) {
      // One statement per UTC day, scanning the touched hours of that day only (usually the current one).
      const starts = units.map((u) => u.start.getTime());
      await this.summarizeHours(trx, { from: new Date(Math.min(...starts)), to: new Date(Math.max(...starts) + HOUR_MS) }, units);
    }
    // Days and blocks that already have rows and hold a touched hour are merged again.
    const daysEnd = (await this.summaries.daysEnd(trx))?.getTime() ?? -Infinity;
    const days = new Set(hours.map((h) => floorDay(h.start.getTime())).filter((day) => day < daysEnd));
    for (const day of days) await this.merge(trx, HOUR, DAY, day);
    const blocks = new Set([...days].map(floorBlock).filter((block) => block + BLOCK_MS <= daysEnd));
    for (const block of blocks) await this.merge(trx, DAY, BLOCK, block);
    return batch.events;
  }

  /** Gives day rows to the days that ended since the last time (and block rows to the blocks that did). */
  async settle(trx: Transaction<DB>, now: number): Promise<void> {
    const today = floorDay(now);
    const daysEnd = await this.summaries.daysEnd(trx);
    if (daysEnd?.getTime() === today) return;
    const since = daysEnd?.getTime() ?? 0;
    const days = await this.summaries.daysWithHours(trx, new Date(since), new Date(today));
    for (const day of new Set(days.map((d) => d.start.getTime()))) await this.merge(trx, HOUR, DAY, day);
    const firstBlock = daysEnd === null ? floorBlock(Math.min(today, ...days.map((d) => d.start.getTime()))) : floorBlock(since);
    for (let block = firstBlock; block + BLOCK_MS <= today; block += BLOCK_MS) {
      if (block + BLOCK_MS > since) await this.merge(trx, DAY, BLOCK, block);
    }
    await this.summaries.saveDaysEnd(trx, new Date(today));
  }

  /**
   * Everything from the rebuilt rollups, a few hours of rollups per statement (what a rebuild holds
   * in memory at once): hours of every day, then days and blocks.
   */
  async rebuild(context: RebuildContext): Promise<RebuiltReadModels> {
    return context.inAsideTransaction(async (trx) => {
      context.report('summarizing');
      const extent = await this.summaries.extent(trx);
      if (extent !== null) {
        for (let from = floorDay(extent.first.getTime()); from <= extent.last.getTime(); from += REBUILD_HOURS * HOUR_MS) {
          await this.summarizeHours(trx, { from: new Date(from), to: new Date(from + REBUILD_HOURS * HOUR_MS) }, 'all');
        }
      }
      await this.settle(trx, Date.now());
      // It covers what the rebuilt timeline does, which is the log up to the rebuild's horizon.
      return { events: (await this.checkpoints.get(trx, TIMELINE_PROJECTION)).eventsFolded };
    });
  }

  /** (Re)writes the hour rows of the provider-hours given (or of every one) in [from, to), from their rollups. */
  private async summarizeHours(trx: Transaction<DB>, range: { from: Date; to: Date }, units: readonly SummaryUnit[] | 'all'): Promise<void> {
    const rows: (SummaryRow & { platform: string; start: Date })[] = [];
    for (const rollups of groupBy(await this.summaries.rollupsToSummarize(trx, range, units), (r) => `${Math.floor(r.minute / 60)}\u0000${r.provider}`)) {
      for (const hour of summarizeHours(rollups)) rows.push(...hour.rows.map((row) => ({ ...row, start: new Date(hour.start) })));
      // A provider-hour at a time (its series are its own): queries served by this process wait
      // for no more than one provider-hour's work.
      await foregroundRequests.yield();
    }
    await this.summaries.write(trx, HOUR, rows);
  }

  /** The rows of one coarse span (a day, a block) starting at `start`, merged from its finer rows, for every series. */
  private async merge(trx: Transaction<DB>, fine: SummarySpan, coarse: SummarySpan, start: number): Promise<void> {
    const merged = new Map<string, { platform: string; acc: WindowAccumulator }>();
    const rows = await this.summaries.rowsOf(trx, fine, new Date(start), new Date(start + coarse * 60_000));
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const key = `${row.platform}\u0000${row.provider}\u0000${row.model}`;
      let entry = merged.get(key);
      if (entry === undefined) merged.set(key, (entry = { platform: row.platform, acc: new WindowAccumulator(row.provider, row.model) }));
      entry.acc.addRow(row);
      // A day holds thousands of rows with sketches: a few hundred at a time, for the queries this process serves.
      if ((i + 1) % MERGE_ROWS_PER_TURN === 0) await foregroundRequests.yield();
    }
    await this.summaries.write(trx, coarse, [...merged.values()].map(({ platform, acc }) => ({ ...acc.toSummaryRow(platform), start: new Date(start) })));
  }
}

/** Summary rows merged between two turns of the event loop. */
const MERGE_ROWS_PER_TURN = 400;

/** Items grouped by a key, in the order each key first appears. */
function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): T[][] {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return [...groups.values()];
}

/** The projection wired by hand (the CLI and tests build a runner without Nest). */
export function createVendorSummaryProjection(): VendorSummaryProjection {
  return new VendorSummaryProjection(new RollupChangeRepository(), new VendorSummaryRepository(), new CheckpointRepository());
}
