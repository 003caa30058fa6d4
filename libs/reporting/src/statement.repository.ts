import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { DB, StatementRow } from '@ledger/database';
import type { SlaReportView } from './sla-report';

export interface Statement {
  contractId: string;
  period: string;
  version: number;
  issuedAt: Date;
  report: SlaReportView;
  /** The contract's events in the period when the statement was issued. */
  eventsCounted: number;
}

/** Issued statements: append-only (a trigger refuses changes). */
@Injectable()
export class StatementRepository {
  async insert(db: Kysely<DB>, s: Statement): Promise<void> {
    await db
      .insertInto('statements')
      .values({ contract_id: s.contractId, period: s.period, version: s.version, issued_at: s.issuedAt, report: JSON.stringify(s.report), events_counted: s.eventsCounted })
      .execute();
  }

  /** The latest statement of every contract for a period. */
  async latestForPeriod(db: Kysely<DB>, period: string): Promise<Map<string, Statement>> {
    const rows = await db
      .selectFrom('statements')
      .selectAll()
      .where('period', '=', period)
      .distinctOn('contract_id')
      .orderBy('contract_id')
      .orderBy('version', 'desc')
      .execute();
    return new Map(rows.map((r) => [r.contract_id, toStatement(r)]));
  }

  /** The periods of a contract that have a statement (without reading the reports). */
  async periodsStated(db: Kysely<DB>, contractId: string): Promise<Set<string>> {
    const rows = await db.selectFrom('statements').select('period').distinct().where('contract_id', '=', contractId).execute();
    return new Set(rows.map((r) => r.period));
  }

  async list(db: Kysely<DB>, contractId: string, period?: string): Promise<Statement[]> {
    let query = db.selectFrom('statements').selectAll().where('contract_id', '=', contractId);
    if (period !== undefined) query = query.where('period', '=', period);
    const rows = await query.orderBy('period').orderBy('version').execute();
    return rows.map(toStatement);
  }
}

function toStatement(r: StatementRow): Statement {
  return {
    contractId: r.contract_id,
    period: r.period,
    version: r.version,
    issuedAt: r.issued_at,
    report: r.report as SlaReportView,
    eventsCounted: Number(r.events_counted),
  };
}
