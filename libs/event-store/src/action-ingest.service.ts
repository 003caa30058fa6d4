import { Injectable } from '@nestjs/common';
import { IngestResult, planBatch, samePlatformAction, settleBatch, validatePlatformAction } from '@ledger/domain';
import { Database, InjectDatabase } from '@ledger/database';
import { PlatformActionRepository } from './platform-action.repository';

/** The one path by which platform actions enter their log: validate, drop repeats within the batch, append, tell duplicates from conflicts. */
@Injectable()
export class ActionIngestService {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly actions: PlatformActionRepository,
  ) {}

  async ingest(platform: string, entries: readonly unknown[], now: number = Date.now()): Promise<IngestResult> {
    const plan = planBatch(entries, (entry) => validatePlatformAction(entry, { now, platform }), samePlatformAction);
    const stored = await this.actions.append(this.db, platform, plan.events);
    return settleBatch(plan, stored, samePlatformAction);
  }
}
