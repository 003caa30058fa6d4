import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { sql } from 'kysely';
import { Database, InjectDatabase } from '@ledger/database';
import { SummaryUnit, VendorSummaryRepository } from './vendor-summary.repository';

const DAY_MS = 86_400_000;
/** Units per statement: bounds each statement's memory on a first (complete) summarizing. */
const HOURS_PER_STATEMENT = 400;
const DAYS_PER_STATEMENT = 15;

/**
 * Keeps vendor_summaries up to date with minute_rollups: rebuilds the hours (and ended days) that
 * the events folded since the last refresh fall into, found from the log between the two
 * checkpoints. A refresh is cheap when little arrived; the worker runs one every few seconds and
 * every comparison runs one first, so answers always include everything projected.
 */
@Injectable()
export class VendorSummaryService {
  private readonly logger = new Logger(VendorSummaryService.name);

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly summaries: VendorSummaryRepository,
  ) {}

  /** Brings the summaries up to the timeline checkpoint; returns the number of units rebuilt. */
  async refresh(now = Date.now()): Promise<number> {
    const today = new Date(Math.floor(now / DAY_MS) * DAY_MS);
    const quick = await this.summaries.state(this.db, false);
    if (this.current(quick, today)) return 0;
    return this.db.transaction().execute(async (trx) => {
      // One refresher at a time across processes; the others wait, then find little left to do.
      await sql`SELECT pg_advisory_xact_lock(hashtext('vendor-summaries'))`.execute(trx);
      await sql`SET LOCAL work_mem = '64MB'`.execute(trx);
      const state = await this.summaries.state(trx, true);
      if (this.current(state, today)) return 0;
      const complete = state.position === null || state.rollupsTable !== state.currentRollupsTable;
      if (complete) await this.summaries.clear(trx);
      const hours = complete
        ? await this.summaries.allHours(trx)
        : state.checkpoint === null ? [] : await this.summaries.hoursTouched(trx, state.position!, state.checkpoint);
      for (let i = 0; i < hours.length; i += HOURS_PER_STATEMENT) await this.summaries.summarize(trx, 60, hours.slice(i, i + HOURS_PER_STATEMENT));
      // Day rows for days before today: those touched, and those that ended since the last refresh.
      const daysFrom = complete || state.summarizedDaysEnd === null ? new Date(0) : state.summarizedDaysEnd;
      const days = new Map<string, SummaryUnit>();
      for (const u of [...hours.map((h) => ({ provider: h.provider, start: new Date(Math.floor(h.start.getTime() / DAY_MS) * DAY_MS) })),
        ...(await this.summaries.daysWithHours(trx, daysFrom, today))]) {
        if (u.start < today) days.set(`${u.provider}\u0000${u.start.getTime()}`, u);
      }
      const dayUnits = [...days.values()];
      for (let i = 0; i < dayUnits.length; i += DAYS_PER_STATEMENT) await this.summaries.summarize(trx, 1440, dayUnits.slice(i, i + DAYS_PER_STATEMENT));
      await this.summaries.saveState(trx, { position: state.checkpoint, rollupsTable: state.currentRollupsTable, summarizedDaysEnd: today });
      if (complete) this.logger.log(`summarized ${hours.length} provider-hours and ${dayUnits.length} provider-days for vendor comparisons`);
      return hours.length + dayUnits.length;
    });
  }

  /** Where day rows end (the summaries cover every day before it). */
  async summarizedDaysEnd(): Promise<Date | null> {
    return (await this.summaries.state(this.db, false)).summarizedDaysEnd;
  }

  @Interval('vendor-summaries', 5_000)
  async scheduled(): Promise<void> {
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
