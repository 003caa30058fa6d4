import { Injectable } from '@nestjs/common';
import { BatchPlan, IngestResult, planIngestBatch, Rejection, settleIngestBatch, ValidationContext } from '@ledger/domain';
import type { EncodedOutcomeBatch } from '@ledger/codec';
import { OutcomeEventRepository } from './outcome-event.repository';
import { InjectRawEventRetention, RawEventRetention } from './raw-event-retention';

/** A batch plan with its events encoded for the log's COPY (see `appendEncoded`). */
export interface EncodedPlan {
  batch: EncodedOutcomeBatch;
  rejected: Rejection[];
  duplicates: number;
}

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
    const plan = planIngestBatch(entries, this.validationContext(platform, now));
    const stored = await this.events.append(platform, plan.events);
    return settleIngestBatch(plan, stored);
  }

  /** What validating a batch of `platform`'s needs to know; for planning the batch elsewhere (HTTP ingest plans on a thread). */
  validationContext(platform: string, now: number = Date.now()): ValidationContext {
    return { now, platform, retentionDays: this.retention?.days };
  }

  /**
   * Appends a batch planned with `validationContext` and encoded elsewhere (HTTP ingest, on its
   * thread). When the log holds none of its ids (the common case) the encoding is all it takes;
   * otherwise `replan` gives the batch's full plan again, to insert what is new and tell
   * duplicates from conflicts.
   */
  async appendEncoded(platform: string, encoded: EncodedPlan, replan: () => BatchPlan): Promise<IngestResult> {
    let plan: BatchPlan | undefined;
    const fullPlan = () => (plan ??= replan());
    const stored = await this.events.appendEncoded(platform, encoded.batch, () => fullPlan().events);
    if (stored.size === 0) return { accepted: encoded.batch.eventCount, duplicates: encoded.duplicates, rejected: encoded.rejected };
    return settleIngestBatch(fullPlan(), stored);
  }
}
