import type { Database } from '@ledger/database';
import { openTestDatabase } from '../../../../test/support/int-database';
import { AlertDeliveryRepository, DeliveryTransition } from './alert-delivery.repository';

describe('the webhook outbox', () => {
  let db: Database;
  beforeAll(async () => (db = await openTestDatabase()));
  afterAll(() => db.destroy());

  const outbox = new AlertDeliveryRepository();
  // An hour on for each test, so that what a test leases (any alert's due deliveries) has expired for the next.
  let now = new Date('2026-10-01T12:00:00Z');
  beforeEach(() => (now = new Date(now.getTime() + 3_600_000)));
  const enqueue = (alertId: string, ...transitions: DeliveryTransition[]) =>
    outbox.enqueue(db, transitions.map((transition) => ({ alertId, ruleId: 'r_outbox', transition, body: { transition } })), now);
  const states = async (alertId: string) => (await db.selectFrom('alert_deliveries').select(['transition', 'state']).where('alert_id', '=', alertId).orderBy('transition').execute())
    .map((r) => `${r.transition} ${r.state}`);
  /** A worker takes every due delivery of the alert (in order, as the sender does) and the receiver answers 200. */
  const deliverDue = async (alertId: string) => {
    for (const delivery of await outbox.lease(db, 1_000, 60_000, now)) {
      if (delivery.alertId !== alertId) continue;
      expect(await outbox.recordAttempt(db, delivery, { ok: true, statusCode: 200, error: null, durationMs: 5 }, now, null, 'test:1')).toBe(true);
    }
  };

  it('cancels all of an alert no receiver heard of', async () => {
    await enqueue('a_unheard', 'FIRING', 'RESOLVED');
    expect(await outbox.withdraw(db, ['a_unheard'], now)).toEqual([]);
    expect(await states('a_unheard')).toEqual(['FIRING CANCELLED', 'RESOLVED CANCELLED']);
  });

  it('keeps the RESOLVED waiting behind a FIRING the receiver has had', async () => {
    await enqueue('a_heard_resolving', 'FIRING');
    await deliverDue('a_heard_resolving');
    await enqueue('a_heard_resolving', 'RESOLVED');
    expect(await outbox.withdraw(db, ['a_heard_resolving'], now)).toEqual([]);
    expect(await states('a_heard_resolving')).toEqual(['FIRING DELIVERED', 'RESOLVED PENDING']);
  });

  it('owes a RESOLVED to a receiver that heard the FIRING of an alert still open, and cancels its ESCALATED not yet sent', async () => {
    await enqueue('a_heard_open', 'FIRING');
    await deliverDue('a_heard_open');
    await enqueue('a_heard_open', 'ESCALATED');
    expect(await outbox.withdraw(db, ['a_heard_open'], now)).toEqual(['a_heard_open']);
    expect(await states('a_heard_open')).toEqual(['ESCALATED CANCELLED', 'FIRING DELIVERED']);
  });

  it('keeps the RESOLVED of an alert whose FIRING is being sent this moment', async () => {
    await enqueue('a_in_flight', 'FIRING', 'RESOLVED');
    const leased = (await outbox.lease(db, 1_000, 60_000, now)).filter((d) => d.alertId === 'a_in_flight');
    expect(leased.map((d) => d.transition)).toEqual(['FIRING']);
    expect(await outbox.withdraw(db, ['a_in_flight'], now)).toEqual([]);
    expect(await states('a_in_flight')).toEqual(['FIRING PENDING', 'RESOLVED PENDING']);
  });

  it('sends a cancelled transition after all when its alert comes back, and never one sent before twice', async () => {
    await enqueue('a_back', 'FIRING', 'RESOLVED');
    await outbox.withdraw(db, ['a_back'], now);
    await enqueue('a_back', 'FIRING');
    expect(await states('a_back')).toEqual(['FIRING PENDING', 'RESOLVED CANCELLED']);
    await deliverDue('a_back');
    await enqueue('a_back', 'FIRING', 'RESOLVED');
    expect(await states('a_back')).toEqual(['FIRING DELIVERED', 'RESOLVED PENDING']);
  });
});
