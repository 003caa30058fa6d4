import { sql } from 'kysely';
import type { Database } from '@ledger/database';

/** The partition of a UTC day (YYYY-MM-DD), as the migrations name it (`outcome_event_day_table`). */
export function dayTable(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a date: ${day}`);
  return `outcome_events_${day.replaceAll('-', '')}`;
}

/** The UTC day (YYYY-MM-DD) of a partition named by `dayTable`. */
export const dayOfTable = (name: string) => `${name.slice(15, 19)}-${name.slice(19, 21)}-${name.slice(21, 23)}`;

/**
 * The outcome log's day partitions (one per UTC day of occurredAt; see the migration
 * outcome-log-by-day). Ingest asks for the days of each batch before it writes; days already
 * known to this process cost nothing, others are created in one statement.
 */
export class OutcomeLogDays {
  private readonly known = new Set<string>();

  constructor(private readonly db: Database) {}

  /** Makes sure a partition exists for each day (`YYYY-MM-DD`). */
  async ensure(days: Iterable<string>): Promise<void> {
    const missing = [...new Set(days)].filter((day) => !this.known.has(day));
    if (missing.length === 0) return;
    await sql`SELECT ensure_outcome_event_days(${missing}::date[])`.execute(this.db);
    for (const day of missing) this.known.add(day);
  }

  /** Forgets what this process knows: a day's partition may have been archived and dropped since. */
  forget(): void {
    this.known.clear();
  }
}
