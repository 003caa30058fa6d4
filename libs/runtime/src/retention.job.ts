import { Inject, Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Database, InjectDatabase, withRawClient } from '@ledger/database';
import { OutcomeLogArchiver, RAW_EVENT_RETENTION, RawEventRetention } from '@ledger/event-store';
import { ProjectionRunner } from '@ledger/projections';

/** How often the worker looks for days past the retention (a day expires once a day; the check is cheap). */
const RETENTION_CHECK_MS = 15 * 60_000;
const RETENTION_LOCK = 'sla-ledger raw-event retention';

/**
 * With RAW_EVENTS_RETENTION_DAYS set, the worker archives and drops the log's expired days
 * (OutcomeLogArchiver). One worker at a time across processes (a session advisory lock).
 */
@Injectable()
export class RetentionJob {
  private readonly logger = new Logger('Retention');
  private running: Promise<void> | null = null;

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly runner: ProjectionRunner,
    @Inject(RAW_EVENT_RETENTION) private readonly retention: RawEventRetention,
  ) {}

  @Interval('retention', RETENTION_CHECK_MS)
  async tick(): Promise<void> {
    if (this.retention.days === undefined || this.running !== null) return;
    this.running = this.run(this.retention.days).finally(() => (this.running = null));
    await this.running;
  }

  private async run(days: number): Promise<void> {
    const archiver = new OutcomeLogArchiver(this.db, this.retention.archiveDir, this.runner.projections.map((p) => p.name));
    try {
      await withRawClient(this.db, async (client) => {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [RETENTION_LOCK]);
        if (!rows[0]!.locked) return;
        try {
          for (const manifest of await archiver.applyRetention(days)) {
            this.logger.log(`archived ${manifest.day}: ${manifest.events} events, ${manifest.bytes} bytes, sha256 ${manifest.sha256}; its partition is dropped`);
          }
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [RETENTION_LOCK]);
        }
      });
    } catch (error) {
      this.logger.error(`retention stopped: ${(error as Error).message}; the next check tries again`);
    }
  }

  /** Lets a run in flight finish before the pool closes (a kill mid-run is safe too, only slower to resume). */
  async drain(): Promise<void> {
    await this.running;
  }
}
