import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { sql } from 'kysely';
import { Database, InjectDatabase } from '@ledger/database';
import { SummaryUnit, VendorSummaryRepository } from './vendor-summary.repository';
import { WindowAccumulator } from './vendor-window';
import { BLOCK, DAY, HOUR, SummarySpan } from './window-plan';

const DAY_MS = 86_400_000;
const BLOCK_MS = BLOCK * 60_000;
const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const floorBlock = (ms: number) => Math.floor(ms / BLOCK_MS) * BLOCK_MS;

/** Units grouped by UTC day (each group is one statement scanning one day of rollups). */
function groupByDay(units: readonly SummaryUnit[]): { day: Date; units: SummaryUnit[] }[] {
  const groups = new Map<number, SummaryUnit[]>();
  for (const u of units) {
    const day = floorDay(u.start.getTime());
    groups.set(day, [...(groups.get(day) ?? []), u]);
  }
  return [...groups].map(([day, list]) => ({ day: new Date(day), units: list }));
}

/**
 * Keeps vendor_summaries up to date with minute_rollups: rebuilds the hours (and ended days) that
 * the events folded since the last refresh fall into, found from the log between the two
 * checkpoints. A refresh is cheap when little arrived; the worker runs one every few seconds and
 * every comparison runs one first, so answers always include everything projected.
 */
@Injectable()
export class VendorSummaryService {
  private readonly logger = new Logger(VendorSummaryService.name);
  private inFlight: Promise<{ units: number; summarizedDaysEnd: Date | null }> | null = null;

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly summaries: VendorSummaryRepository,
  ) {}

  /**
   * Brings the summaries up to the timeline checkpoint. Returns how many units were rebuilt, and
   * where day (and block) rows end now.
   */
  async refresh(now = Date.now()): Promise<{ units: number; summarizedDaysEnd: Date | null }> {
    // One refresh at a time per process, so waiting callers never hold more than one pooled
    // connection; a caller arriving during one waits for it, then runs its own (to see what was
    // projected since that one began).
    while (this.inFlight !== null) await this.inFlight.catch(() => undefined);
    const run = this.refreshOnce(now);
    this.inFlight = run;
    try {
      return await run;
    } finally {
      if (this.inFlight === run) this.inFlight = null;
    }
  }

  private async refreshOnce(now: number): Promise<{ units: number; summarizedDaysEnd: Date | null }> {
    const today = new Date(Math.floor(now / DAY_MS) * DAY_MS);
    const quick = await this.summaries.state(this.db, false);
    if (this.current(quick, today)) return { units: 0, summarizedDaysEnd: quick.summarizedDaysEnd };
    const units = await this.db.transaction().execute(async (trx) => {
      // One refresher at a time across processes; the others wait, then find little left to do.
      await sql`SELECT pg_advisory_xact_lock(hashtext('vendor-summaries'))`.execute(trx);
      await sql`SET LOCAL work_mem = '64MB'`.execute(trx);
      const state = await this.summaries.state(trx, true);
      if (this.current(state, today)) return 0;
      const complete = state.position === null || state.rollupsTable !== state.currentRollupsTable;
      let units = 0;
      if (complete) {
        // Everything again, a day of rollups per statement: hours of every day, and days before today.
        await this.summaries.clear(trx);
        const extent = await this.summaries.extent(trx);
        for (let day = extent === null ? Infinity : floorDay(extent.first.getTime()); day <= (extent?.last.getTime() ?? -Infinity); day += DAY_MS) {
          const range = { from: new Date(day), to: new Date(day + DAY_MS) };
          await this.summaries.summarize(trx, HOUR, range, 'all');
          if (day < today.getTime()) await this.merge(trx, HOUR, DAY, day);
          units += 1;
        }
        if (extent !== null) {
          for (let block = floorBlock(extent.first.getTime()); block + BLOCK_MS <= today.getTime(); block += BLOCK_MS) await this.merge(trx, DAY, BLOCK, block);
        }
        this.logger.log(`summarized ${units} days of rollups for vendor comparisons`);
      } else if (state.checkpoint !== null) {
        const hours = await this.summaries.hoursTouched(trx, state.position!, state.checkpoint);
        for (const group of groupByDay(hours)) await this.summaries.summarize(trx, HOUR, { from: group.day, to: new Date(group.day.getTime() + DAY_MS) }, group.units);
        // Day rows for days before today: those touched, and those that ended since the last refresh.
        const ended = state.summarizedDaysEnd === null ? [] : await this.summaries.daysWithHours(trx, state.summarizedDaysEnd, today);
        const days = [...hours.map((h) => ({ provider: h.provider, start: new Date(floorDay(h.start.getTime())) })), ...ended].filter((u) => u.start < today);
        for (const day of new Set(days.map((d) => d.start.getTime()))) await this.merge(trx, HOUR, DAY, day);
        // Blocks that ended by today: those with a day touched, and those that ended since the last refresh.
        const blocks = new Set(days.map((d) => floorBlock(d.start.getTime())));
        if (state.summarizedDaysEnd !== null) {
          for (let block = floorBlock(state.summarizedDaysEnd.getTime()); block + BLOCK_MS <= today.getTime(); block += BLOCK_MS) blocks.add(block);
        }
        for (const block of blocks) if (block + BLOCK_MS <= today.getTime()) await this.merge(trx, DAY, BLOCK, block);
        units = hours.length + days.length + blocks.size;
      }
      await this.summaries.saveState(trx, { position: state.checkpoint, rollupsTable: state.currentRollupsTable, summarizedDaysEnd: today });
      return units;
    });
    return { units, summarizedDaysEnd: today };
  }

  /** The rows of one coarse span (a day, a block) starting at `start`, merged from its finer rows, for every series. */
  private async merge(db: Database, fine: SummarySpan, coarse: SummarySpan, start: number): Promise<void> {
    const merged = new Map<string, { platform: string; acc: WindowAccumulator }>();
    for (const row of await this.summaries.rowsOf(db, fine, new Date(start), new Date(start + coarse * 60_000))) {
      const key = `${row.platform}\u0000${row.provider}\u0000${row.model}`;
      let entry = merged.get(key);
      if (entry === undefined) merged.set(key, (entry = { platform: row.platform, acc: new WindowAccumulator(row.provider, row.model) }));
      entry.acc.addRow(row);
    }
    await this.summaries.write(db, coarse, new Date(start), [...merged.values()].map(({ platform, acc }) => ({
      platform, provider: acc.provider, model: acc.model!, successes: acc.counts.successes, errors: acc.counts.errors, timeouts: acc.counts.timeouts,
      rate_limited: acc.counts.rateLimited, client_errors: acc.counts.clientErrors, latency_sketch: acc.latency.toBytes(), ttft_sketch: acc.ttft.toBytes(),
      minute_mix: acc.mix.toBytes(),
    })));
  }

  @Interval('vendor-summaries', 5_000)
  async scheduled(): Promise<void> {
    if (this.inFlight !== null) return;
    try {
      await this.refresh();
    } catch (error) {
      this.logger.error(`refreshing vendor summaries failed: ${(error as Error).message}`);
    }
  }

  private current(state: Awaited<ReturnType<VendorSummaryRepository['state']>>, today: Date): boolean {
    const samePosition = state.position !== null && state.checkpoint !== null &&
      state.position.transactionId === state.checkpoint.transactionId && state.position.globalPosition === state.checkpoint.globalPosition;
    return samePosition && state.rollupsTable === state.currentRollupsTable && state.summarizedDaysEnd?.getTime() === today.getTime();
  }
}
