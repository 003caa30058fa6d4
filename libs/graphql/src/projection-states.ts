import { Injectable } from '@nestjs/common';
import { Database, InjectReadDatabase } from '@ledger/database';
import { LOG_START, OutcomeLogReader } from '@ledger/event-store';
import { CheckpointRepository, ProjectionRunner, ProjectionStateView } from '@ledger/projections';

/** Lag is counted event by event up to this many, estimated beyond (as the runner's EXACT_LAG_UP_TO). */
const EXACT_LAG_UP_TO = 100_000;

/**
 * The `projections` query: every registered projection's checkpoint and lag, as the database the
 * queries read has them — the replica's checkpoints, and its lag behind the log it has replayed,
 * when DATABASE_READ_URL is set, so that the answer says which position the other answers
 * reflect; the primary's otherwise (the same figures as the runner's `states()`).
 */
@Injectable()
export class ProjectionStates {
  constructor(
    @InjectReadDatabase() private readonly db: Database,
    private readonly runner: ProjectionRunner,
    private readonly checkpoints: CheckpointRepository,
    private readonly log: OutcomeLogReader,
  ) {}

  async list(): Promise<ProjectionStateView[]> {
    const stored = new Map((await this.checkpoints.all(this.db)).map((c) => [c.name, c]));
    return Promise.all(this.runner.projections.map(async ({ name }) => {
      const checkpoint = stored.get(name) ?? { name, position: LOG_START, eventsFolded: 0, generation: 1n, updatedAt: new Date(0) };
      const lag = await this.log.countAfter(this.db, checkpoint.position, EXACT_LAG_UP_TO);
      return {
        name,
        position: `${checkpoint.position.transactionId}:${checkpoint.position.globalPosition}`,
        eventsFolded: checkpoint.eventsFolded,
        lagEvents: lag.events,
        lagExact: lag.exact,
        caughtUp: lag.events === 0,
        generation: Number(checkpoint.generation),
        updatedAt: checkpoint.updatedAt,
      };
    }));
  }
}
