import { Injectable } from '@nestjs/common';
import { BatchPlan, IngestResult, planIngestBatch, settleIngestBatch, ValidationContext } from '@ledger/domain';
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
    return this.appendPlanned(platform, planIngestBatch(entries, this.validationContext(platform, now)));
  }

  /** What validating a batch of `platform`'s needs to know; for planning the batch elsewhere (HTTP ingest plans on a thread). */
  validationContext(platform: string, now: number = Date.now()): ValidationContext {
    return { now, platform, retentionDays: this.retention?.days };
  }

  /** Appends a batch planned with `validationContext`, and tells duplicates from conflicts. */
  async appendPlanned(platform: string, plan: BatchPlan): Promise<IngestResult> {
    const stored = await this.events.append(platform, plan.events);
    return settleIngestBatch(plan, stored);
  }
}
