import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { AlertSeverity, SubjectState } from '@ledger/domain';
import type { AlertRow, DB } from '@ledger/database';

/** An alert episode as stored; minutes are epoch minutes. */
export interface StoredAlert {
  id: string;
  ruleId: string;
  /** The model of a MODEL_STATUS rule over each of its provider's models; '' otherwise. */
  subject: string;
  severity: AlertSeverity;
  startedMinute: number;
  firedDecided: number;
  escalatedDecided: number | null;
  resolvedMinute: number | null;
  resolvedDecided: number | null;
}

/** A rule and a minute of it (where to rewind it to, where its state is wanted). */
export interface RulePoint {
  ruleId: string;
  minute: number;
}

export interface RuleProgress {
  ruleId: string;
  basis: string;
  evaluatedThrough: number;
}

/** The alerts projection's tables: episodes, each rule's progress, its states where they changed, the horizon. */
@Injectable()
export class AlertRepository {
  async horizon(db: Kysely<DB>): Promise<number | null> {
    return (await db.selectFrom('alert_horizon').select('minute').executeTakeFirst())?.minute ?? null;
  }

  async saveHorizon(db: Kysely<DB>, minute: number): Promise<void> {
    await db.insertInto('alert_horizon').values({ minute }).onConflict((oc) => oc.column('only_row').doUpdateSet({ minute })).execute();
  }

  async progress(db: Kysely<DB>): Promise<Map<string, RuleProgress>> {
    const rows = await db.selectFrom('alert_rule_progress').selectAll().execute();
    return new Map(rows.map((r) => [r.rule_id, { ruleId: r.rule_id, basis: r.basis, evaluatedThrough: r.evaluated_through }]));
  }

  async saveProgress(db: Kysely<DB>, progress: readonly RuleProgress[]): Promise<void> {
    if (progress.length === 0) return;
    await db.insertInto('alert_rule_progress')
      .values(progress.map((p) => ({ rule_id: p.ruleId, basis: p.basis, evaluated_through: p.evaluatedThrough })))
      .onConflict((oc) => oc.column('rule_id').doUpdateSet((eb) => ({ basis: eb.ref('excluded.basis'), evaluated_through: eb.ref('excluded.evaluated_through') })))
      .execute();
  }

  /** Forgets a rule's evaluation entirely: progress, states and alerts. Returns the alerts it had. */
  async forget(db: Kysely<DB>, ruleId: string): Promise<StoredAlert[]> {
    await db.deleteFrom('alert_rule_progress').where('rule_id', '=', ruleId).execute();
    await db.deleteFrom('alert_rule_states').where('rule_id', '=', ruleId).execute();
    return (await db.deleteFrom('alerts').where('rule_id', '=', ruleId).returningAll().execute()).map(fromRow);
  }

  /** For each rule, per subject, its state after the last minute before the rule's `minute` where it changed. */
  async statesBefore(db: Kysely<DB>, points: readonly RulePoint[]): Promise<Map<string, Map<string, SubjectState>>> {
    const byRule = new Map<string, Map<string, SubjectState>>(points.map((p) => [p.ruleId, new Map()]));
    if (points.length === 0) return byRule;
    const { rows } = await sql<{ rule_id: string; subject: string; state: SubjectState }>`
      SELECT DISTINCT ON (s.rule_id, s.subject) s.rule_id, s.subject, s.state
      FROM unnest(${points.map((p) => p.ruleId)}::text[], ${points.map((p) => p.minute)}::int[]) AS p(rule_id, minute)
      JOIN alert_rule_states s ON s.rule_id = p.rule_id AND s.minute < p.minute
      ORDER BY s.rule_id, s.subject, s.minute DESC`.execute(db);
    for (const r of rows) byRule.get(r.rule_id)!.set(r.subject, r.state);
    return byRule;
  }

  /**
   * Undoes what each rule's evaluation decided at or after its `minute`: its states from then on,
   * the alerts fired since (returned), and the escalations and resolutions decided since.
   */
  async rewind(db: Kysely<DB>, points: readonly RulePoint[]): Promise<StoredAlert[]> {
    if (points.length === 0) return [];
    const p = sql`unnest(${points.map((x) => x.ruleId)}::text[], ${points.map((x) => x.minute)}::int[]) AS p(rule_id, minute)`;
    await sql`DELETE FROM alert_rule_states s USING ${p} WHERE s.rule_id = p.rule_id AND s.minute >= p.minute`.execute(db);
    const removed = await sql<AlertRow>`DELETE FROM alerts a USING ${p} WHERE a.rule_id = p.rule_id AND a.fired_decided >= p.minute RETURNING a.*`.execute(db);
    await sql`UPDATE alerts a SET severity = 'TICKET', escalated_decided = NULL FROM ${p} WHERE a.rule_id = p.rule_id AND a.escalated_decided >= p.minute`.execute(db);
    await sql`UPDATE alerts a SET resolved_minute = NULL, resolved_decided = NULL FROM ${p} WHERE a.rule_id = p.rule_id AND a.resolved_decided >= p.minute`.execute(db);
    return removed.rows.map(fromRow);
  }

  async saveStates(db: Kysely<DB>, states: readonly { ruleId: string; subject: string; minute: number; state: SubjectState }[]): Promise<void> {
    for (let i = 0; i < states.length; i += 5_000) {
      await db.insertInto('alert_rule_states')
        .values(states.slice(i, i + 5_000).map((s) => ({ rule_id: s.ruleId, subject: s.subject, minute: s.minute, state: JSON.stringify(s.state) })))
        .onConflict((oc) => oc.columns(['rule_id', 'subject', 'minute']).doUpdateSet((eb) => ({ state: eb.ref('excluded.state') })))
        .execute();
    }
  }

  /** Writes alerts as they now are (new, escalated or resolved). */
  async saveAlerts(db: Kysely<DB>, alerts: readonly StoredAlert[]): Promise<void> {
    for (let i = 0; i < alerts.length; i += 2_000) {
      await db.insertInto('alerts').values(alerts.slice(i, i + 2_000).map(toRow))
        .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({
          severity: eb.ref('excluded.severity'), escalated_decided: eb.ref('excluded.escalated_decided'), resolved_minute: eb.ref('excluded.resolved_minute'),
          resolved_decided: eb.ref('excluded.resolved_decided'),
        })))
        .execute();
    }
  }

  /** The open alerts of each rule, by subject. */
  async openAlerts(db: Kysely<DB>, ruleIds: readonly string[]): Promise<Map<string, Map<string, StoredAlert>>> {
    const byRule = new Map<string, Map<string, StoredAlert>>(ruleIds.map((id) => [id, new Map()]));
    if (ruleIds.length === 0) return byRule;
    const rows = await db.selectFrom('alerts').selectAll().where('rule_id', 'in', ruleIds).where('resolved_minute', 'is', null).execute();
    for (const r of rows) byRule.get(r.rule_id)!.set(r.subject, fromRow(r));
    return byRule;
  }

  /** Alerts that were open at some time in [from, to) (epoch minutes), optionally of one rule, by start. */
  async list(db: Kysely<DB>, filter: { from: number; to: number; ruleId?: string | undefined; state?: 'FIRING' | 'RESOLVED' | undefined }): Promise<StoredAlert[]> {
    let query = db.selectFrom('alerts').selectAll()
      .where('started_minute', '<', filter.to)
      .where((eb) => eb.or([eb('resolved_minute', 'is', null), eb('resolved_minute', '>', filter.from)]));
    if (filter.ruleId !== undefined) query = query.where('rule_id', '=', filter.ruleId);
    if (filter.state === 'FIRING') query = query.where('resolved_minute', 'is', null);
    if (filter.state === 'RESOLVED') query = query.where('resolved_minute', 'is not', null);
    return (await query.orderBy('started_minute').orderBy('id').execute()).map(fromRow);
  }

  /** Alerts open now, the most recent first. */
  async firing(db: Kysely<DB>): Promise<StoredAlert[]> {
    return (await db.selectFrom('alerts').selectAll().where('resolved_minute', 'is', null).orderBy('started_minute', 'desc').execute()).map(fromRow);
  }
}

function toRow(a: StoredAlert) {
  return {
    id: a.id, rule_id: a.ruleId, subject: a.subject, severity: a.severity, started_minute: a.startedMinute, fired_decided: a.firedDecided,
    escalated_decided: a.escalatedDecided, resolved_minute: a.resolvedMinute, resolved_decided: a.resolvedDecided,
  };
}

function fromRow(r: AlertRow): StoredAlert {
  return {
    id: r.id, ruleId: r.rule_id, subject: r.subject, severity: r.severity as AlertSeverity, startedMinute: r.started_minute, firedDecided: r.fired_decided,
    escalatedDecided: r.escalated_decided, resolvedMinute: r.resolved_minute, resolvedDecided: r.resolved_decided,
  };
}
