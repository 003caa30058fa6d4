import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ExpressionBuilder, Kysely, sql } from 'kysely';
import type { AlertDeliveryAttemptRow, AlertDeliveryRow, DB } from '@ledger/database';

export type DeliveryTransition = 'FIRING' | 'ESCALATED' | 'RESOLVED';
export type DeliveryState = 'PENDING' | 'DELIVERED' | 'FAILED' | 'CANCELLED';

/** A transition to deliver, as the evaluation hands it to the outbox. */
export interface NewDelivery {
  alertId: string;
  ruleId: string;
  transition: DeliveryTransition;
  /** The payload (payload.ts); every attempt sends the same bytes. */
  body: Record<string, unknown>;
}

export interface Delivery {
  id: string;
  alertId: string;
  ruleId: string;
  transition: DeliveryTransition;
  body: Record<string, unknown>;
  state: DeliveryState;
  createdAt: Date;
  nextAttemptAt: Date;
  attempts: number;
  firstAttemptAt: Date | null;
  finishedAt: Date | null;
}

export interface DeliveryAttempt {
  deliveryId: string;
  attempt: number;
  at: Date;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** The worker process that made it, host:pid. */
  sentBy: string;
}

/** Counts for /metrics. */
export interface OutboxStanding {
  pending: number;
  delivered: number;
  failed: number;
  /** Seconds since the oldest pending delivery was written; 0 when none is pending. */
  oldestPendingSeconds: number;
}

/** A transition's order within its alert: a delivery waits for those before it (a RESOLVED never before its FIRING). */
const transitionOrder = (alias: string) => sql.raw(`(CASE ${alias}.transition WHEN 'FIRING' THEN 0 WHEN 'ESCALATED' THEN 1 ELSE 2 END)`);

/**
 * The webhook outbox (alert_deliveries) and its attempts. Deliveries are written in the
 * transaction that commits their transition; at most one per (alert, transition), so a transition
 * derived again (a replay, a late event that changed nothing) is not sent twice.
 */
@Injectable()
export class AlertDeliveryRepository {
  async enqueue(db: Kysely<DB>, deliveries: readonly NewDelivery[], now: Date): Promise<void> {
    for (let i = 0; i < deliveries.length; i += 1_000) {
      await db.insertInto('alert_deliveries')
        .values(deliveries.slice(i, i + 1_000).map((d) => ({
          id: `dlv_${randomBytes(10).toString('hex')}`, alert_id: d.alertId, rule_id: d.ruleId, transition: d.transition, body: JSON.stringify(d.body),
          state: 'PENDING', created_at: now, next_attempt_at: now,
        })))
        // A transition derived again is not sent twice; one cancelled (never attempted) when its
        // alert was withdrawn is sent after all when the alert comes back under the same id.
        .onConflict((oc) => oc.columns(['alert_id', 'transition'])
          .doUpdateSet((eb) => ({
            state: 'PENDING', body: eb.ref('excluded.body'), created_at: eb.ref('excluded.created_at'), next_attempt_at: eb.ref('excluded.next_attempt_at'),
            finished_at: null, leased_until: null,
          }))
          .where('alert_deliveries.state', '=', 'CANCELLED'))
        .execute();
    }
  }

  /**
   * For alerts that no longer exist (late events, a changed or deleted rule): their deliveries
   * not yet attempted are cancelled — not one a worker is sending this moment (leased), which the
   * receiver may already have. A receiver that heard of an alert (its FIRING or ESCALATED
   * attempted or under way) must hear that it is over: its RESOLVED, if one is waiting, is kept;
   * the alerts without one are returned, owed a RESOLVED.
   */
  async withdraw(db: Kysely<DB>, alertIds: readonly string[], now: Date): Promise<string[]> {
    if (alertIds.length === 0) return [];
    const notLeased = (eb: ExpressionBuilder<DB, 'alert_deliveries'>) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', now)]);
    const cancel = (transitions: DeliveryTransition[], ofAlerts: readonly string[]) => ofAlerts.length === 0 ? Promise.resolve() : db.updateTable('alert_deliveries')
      .set({ state: 'CANCELLED', finished_at: now, leased_until: null })
      .where('alert_id', 'in', ofAlerts).where('transition', 'in', transitions).where('state', '=', 'PENDING').where('attempts', '=', 0).where(notLeased)
      .execute();
    // The openings first: once cancelled, no worker can take one (nor the RESOLVED behind it
    // before this transaction commits), so what is heard below stays heard.
    await cancel(['FIRING', 'ESCALATED'], alertIds);
    const heard = new Set((await db.selectFrom('alert_deliveries').select('alert_id').distinct()
      .where('alert_id', 'in', alertIds).where('transition', '!=', 'RESOLVED').where('state', '!=', 'CANCELLED')
      .where((eb) => eb.or([eb('attempts', '>', 0), eb.not(notLeased(eb))]))
      .execute()).map((r) => r.alert_id));
    await cancel(['RESOLVED'], alertIds.filter((id) => !heard.has(id)));
    if (heard.size === 0) return [];
    const resolving = new Set((await db.selectFrom('alert_deliveries').select('alert_id')
      .where('alert_id', 'in', [...heard]).where('transition', '=', 'RESOLVED').where('state', '!=', 'CANCELLED')
      .execute()).map((r) => r.alert_id));
    return [...heard].filter((id) => !resolving.has(id));
  }

  /**
   * Leases up to `limit` due deliveries to the caller until `leaseMs` from now: none another
   * worker holds (its lease unexpired, or its row locked this instant), none whose alert has an
   * earlier transition still pending. A worker that dies mid-send loses its lease when it expires.
   */
  async lease(db: Kysely<DB>, limit: number, leaseMs: number, now: Date): Promise<Delivery[]> {
    const { rows } = await sql<AlertDeliveryRow>`
      UPDATE alert_deliveries SET leased_until = ${new Date(now.getTime() + leaseMs)}
      WHERE id IN (
        SELECT d.id FROM alert_deliveries d
        WHERE d.state = 'PENDING' AND d.next_attempt_at <= ${now} AND (d.leased_until IS NULL OR d.leased_until < ${now})
          AND NOT EXISTS (
            SELECT 1 FROM alert_deliveries e
            WHERE e.alert_id = d.alert_id AND e.state = 'PENDING' AND ${transitionOrder('e')} < ${transitionOrder('d')})
        ORDER BY d.next_attempt_at, d.created_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING *`.execute(db);
    return rows.map(fromRow);
  }

  /**
   * Records one attempt and what follows it: DELIVERED, another try at `retryAt`, or FAILED when
   * `retryAt` is null. Only the holder of the attempt records it: false when the delivery moved on
   * meanwhile (its lease expired and another worker attempted it).
   */
  async recordAttempt(
    db: Kysely<DB>, delivery: Delivery, result: { ok: boolean; statusCode: number | null; error: string | null; durationMs: number }, at: Date, retryAt: Date | null,
    sentBy: string,
  ): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const attempt = delivery.attempts + 1;
      const state: DeliveryState = result.ok ? 'DELIVERED' : retryAt === null ? 'FAILED' : 'PENDING';
      const updated = await trx.updateTable('alert_deliveries')
        .set({
          attempts: attempt, state, leased_until: null, first_attempt_at: delivery.firstAttemptAt ?? at,
          next_attempt_at: retryAt ?? delivery.nextAttemptAt, finished_at: state === 'PENDING' ? null : new Date(at.getTime() + result.durationMs),
        })
        .where('id', '=', delivery.id).where('attempts', '=', delivery.attempts).where('state', '=', 'PENDING')
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) return false;
      await trx.insertInto('alert_delivery_attempts')
        .values({ delivery_id: delivery.id, attempt, at, status_code: result.statusCode, error: result.error, duration_ms: Math.round(result.durationMs), sent_by: sentBy })
        .execute();
      return true;
    });
  }

  async standing(db: Kysely<DB>, now: Date): Promise<OutboxStanding> {
    const { rows } = await sql<{ pending: string; delivered: string; failed: string; oldest: Date | null }>`
      SELECT count(*) FILTER (WHERE state = 'PENDING') AS pending, count(*) FILTER (WHERE state = 'DELIVERED') AS delivered,
             count(*) FILTER (WHERE state = 'FAILED') AS failed, min(created_at) FILTER (WHERE state = 'PENDING') AS oldest
      FROM alert_deliveries`.execute(db);
    const row = rows[0]!;
    return {
      pending: Number(row.pending), delivered: Number(row.delivered), failed: Number(row.failed),
      oldestPendingSeconds: row.oldest === null ? 0 : Math.max(0, (now.getTime() - row.oldest.getTime()) / 1000),
    };
  }

  /** The deliveries of some alerts (cancelled ones left out), each with its attempts, in order. */
  async ofAlerts(db: Kysely<DB>, alertIds: readonly string[]): Promise<Map<string, (Delivery & { attemptsMade: DeliveryAttempt[] })[]>> {
    const byAlert = new Map<string, (Delivery & { attemptsMade: DeliveryAttempt[] })[]>();
    if (alertIds.length === 0) return byAlert;
    const deliveries = await db.selectFrom('alert_deliveries').selectAll().where('alert_id', 'in', [...new Set(alertIds)]).where('state', '!=', 'CANCELLED')
      .orderBy(transitionOrder('alert_deliveries')).orderBy('created_at').execute();
    const attempts = deliveries.length === 0 ? [] : await db.selectFrom('alert_delivery_attempts').selectAll()
      .where('delivery_id', 'in', deliveries.map((d) => d.id)).orderBy('delivery_id').orderBy('attempt').execute();
    const attemptsOf = new Map<string, DeliveryAttempt[]>();
    for (const a of attempts) attemptsOf.set(a.delivery_id, [...(attemptsOf.get(a.delivery_id) ?? []), attemptFromRow(a)]);
    for (const row of deliveries) {
      const list = byAlert.get(row.alert_id) ?? [];
      list.push({ ...fromRow(row), attemptsMade: attemptsOf.get(row.id) ?? [] });
      byAlert.set(row.alert_id, list);
    }
    return byAlert;
  }
}

function fromRow(r: AlertDeliveryRow): Delivery {
  return {
    id: r.id, alertId: r.alert_id, ruleId: r.rule_id, transition: r.transition as DeliveryTransition, body: r.body as Record<string, unknown>,
    state: r.state as DeliveryState, createdAt: r.created_at, nextAttemptAt: r.next_attempt_at, attempts: r.attempts, firstAttemptAt: r.first_attempt_at,
    finishedAt: r.finished_at,
  };
}

function attemptFromRow(r: AlertDeliveryAttemptRow): DeliveryAttempt {
  return { deliveryId: r.delivery_id, attempt: r.attempt, at: r.at, statusCode: r.status_code, error: r.error, durationMs: r.duration_ms, sentBy: r.sent_by };
}
