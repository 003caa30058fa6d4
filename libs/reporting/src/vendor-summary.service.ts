import { Injectable, Optional } from '@nestjs/common';
import { Database, InjectDatabase, InjectReadDatabase, readsFromReplica } from '@ledger/database';
import { ProjectionRunner } from '@ledger/projections';
import { VENDOR_SUMMARIES_PROJECTION } from './vendor-summary.projection';
import { VendorSummaryRepository } from './vendor-summary.repository';

/**
 * What readers of the vendor summaries call first: the summaries brought up to the timeline's
 * checkpoint (waiting for a worker that is folding them), so that answers include everything
 * projected, and where their day rows end.
 *
 * With a read replica (DATABASE_READ_URL) the catch-up is skipped: folding would write to the
 * primary on a read request — the load the replica is there to take away — and the replica
 * would show its result only once it replays it anyway. Readers then see the summaries as the
 * replica has them, which the worker keeps within a tick of the timeline.
 */
@Injectable()
export class VendorSummaryService {
  private readonly read: Database;

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly runner: ProjectionRunner,
    private readonly summaries: VendorSummaryRepository,
    /** Where the summaries are read; the primary when omitted. */
    @Optional() @InjectReadDatabase() readDb?: Database,
  ) {
    this.read = readDb ?? db;
  }

  async refresh(now = Date.now()): Promise<{ summarizedDaysEnd: Date | null }> {
    if (!readsFromReplica(this.db, this.read)) await this.runner.catchUp(VENDOR_SUMMARIES_PROJECTION, { batchSize: 100_000, wait: true, now });
    return { summarizedDaysEnd: await this.summaries.daysEnd(this.read) };
  }
}
