import { Injectable } from '@nestjs/common';
import { Database, InjectDatabase } from '@ledger/database';
import { ProjectionRunner } from '@ledger/projections';
import { VENDOR_SUMMARIES_PROJECTION } from './vendor-summary.projection';
import { VendorSummaryRepository } from './vendor-summary.repository';

/**
 * What readers of the vendor summaries call first: the summaries brought up to the timeline's
 * checkpoint (waiting for a worker that is folding them), so that answers include everything
 * projected, and where their day rows end.
 */
@Injectable()
export class VendorSummaryService {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly runner: ProjectionRunner,
    private readonly summaries: VendorSummaryRepository,
  ) {}

  async refresh(now = Date.now()): Promise<{ summarizedDaysEnd: Date | null }> {
    await this.runner.catchUp(VENDOR_SUMMARIES_PROJECTION, { batchSize: 100_000, wait: true, now });
    return { summarizedDaysEnd: await this.summaries.daysEnd(this.db) };
  }
}
