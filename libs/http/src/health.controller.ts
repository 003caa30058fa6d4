import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { sql } from 'kysely';
import { Database, InjectDatabase, pendingMigrations } from '@ledger/database';
import { ReplicaLag, ReplicaLagView } from './replica-lag';

export interface Readiness {
  status: 'ready';
  /** Only when reads go to a replica (DATABASE_READ_URL): how far behind the primary it is. */
  replica?: ReplicaLagView;
}

/**
 * `GET /healthz` (the process is up) and `GET /readyz` (database reachable, migrations applied;
 * with a read replica, the replica reachable and caught up with the migrations too, and its lag).
 */
@Controller()
export class HealthController {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly replica: ReplicaLag,
  ) {}

  @Get('healthz')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(): Promise<Readiness> {
    let pending: string[];
    try {
      await sql`SELECT 1`.execute(this.db);
      pending = await pendingMigrations(this.db);
    } catch {
      throw new ServiceUnavailableException('not ready: the database is unreachable');
    }
    if (pending.length > 0) throw new ServiceUnavailableException(`not ready: migrations not applied: ${pending.join(', ')}`);
    if (!this.replica.configured) return { status: 'ready' };

    // Queries, status pages and exports read from the replica: without it this process cannot
    // answer them, so it is not ready (operations.md § Read replica). Lag alone never makes it so.
    let lag: ReplicaLagView;
    let replayed: string[];
    try {
      [lag, replayed] = await Promise.all([this.replica.measure(), pendingMigrations(this.replica.database)]);
    } catch {
      throw new ServiceUnavailableException('not ready: the read replica (DATABASE_READ_URL) is unreachable');
    }
    if (replayed.length > 0) {
      throw new ServiceUnavailableException(`not ready: the read replica has not replayed migrations yet: ${replayed.join(', ')}`);
    }
    return { status: 'ready', replica: lag };
  }
}
