import { Injectable } from '@nestjs/common';
import { IngestResult, planIngestBatch, settleIngestBatch } from '@ledger/domain';
import { OutcomeEventRepository } from './outcome-event.repository';
import { InjectRawEventRetention, RawEventRetention } from './raw-event-retention';

/**
 * The one path by which outcome events enter the log, shared by HTTP ingest and the CLI
 * import: validate, drop repeats within the batch, append, then tell duplicates from conflicts.
 */
@Injectable()
export class IngestService {
  constructor(
    private readonly events: OutcomeEventRepository,
    /** With retention, events of days already archived (or about to be) are refused. */
    @InjectRawEventRetention() private readonly retention?: RawEventRetention,
  ) {}

  async ingest(platform: string, entries: readonly unknown[], now: number = Date.now()): Promise<IngestResult> {
    const plan = planIngestBatch(entries, { now, platform, retentionDays: this.retention?.days });
    const stored = await this.events.append(platform, plan.events);
    return settleIngestBatch(plan, stored);
  }
}
