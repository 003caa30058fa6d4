import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { sql } from 'kysely';
import { Database, InjectDatabase, pendingMigrations } from '@ledger/database';

/** `GET /healthz` (the process is up) and `GET /readyz` (database reachable, migrations applied). */
@Controller()
export class HealthController {
  constructor(@InjectDatabase() private readonly db: Database) {}

  @Get('healthz')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(): Promise<{ status: 'ready' }> {
    let pending: string[];
    try {
      await sql`SELECT 1`.execute(this.db);
      pending = await pendingMigrations(this.db);
    } catch {
      throw new ServiceUnavailableException('not ready: the database is unreachable');
    }
    if (pending.length > 0) throw new ServiceUnavailableException(`not ready: migrations not applied: ${pending.join(', ')}`);
    return { status: 'ready' };
  }
}
