import { transferableSymbol, valueSymbol } from 'piscina';
import { outcomeEventsCopyText } from '@ledger/codec';
import prepareOnThread, { PreparedSharedBody } from './event-batch.worker';
import { planEventBatch } from './prepare-event-batch';

const context = { now: Date.parse('2026-10-01T12:00:00Z'), platform: 'acme' };

function task(body: string, room: number) {
  const bytes = Buffer.from(body);
  const memory = new SharedArrayBuffer(bytes.length + room);
  new Uint8Array(memory).set(bytes);
  return { contentType: 'application/json', context, memory, bodyBytes: bytes.length };
}

const events = Array.from({ length: 3 }, (_, i) => ({ id: `e${i}`, provider: 'p', model: 'm', occurredAt: '2026-10-01T10:00:00Z', outcome: 'success' }));
const body = JSON.stringify({ events });
const plan = planEventBatch({ contentType: 'application/json', bytes: Buffer.from(body), context });
const copyText = outcomeEventsCopyText('acme', plan.events);

describe('the ingest thread (a body in shared memory)', () => {
  it('writes the COPY text after the body and answers where it lies', () => {
    const shared = task(body, 1_000);
    const answer = prepareOnThread(shared) as PreparedSharedBody;
    expect(answer.copyAt).toEqual({ offset: shared.bodyBytes, length: copyText.length });
    expect(Buffer.from(shared.memory, answer.copyAt!.offset, answer.copyAt!.length).toString()).toBe(copyText);
    expect(answer.prepared).toMatchObject({ ok: true, entryCount: 3, plan: { batch: { copyBytes: new Uint8Array(0), eventCount: 3 } } });
  });

  it('moves the COPY text in a buffer of its own when it does not fit after the body', () => {
    const moved = prepareOnThread(task(body, copyText.length - 1)) as unknown as Record<symbol, unknown>;
    const answer = moved[valueSymbol] as PreparedSharedBody;
    expect(answer.copyAt).toBeNull();
    const copyBytes = answer.prepared.ok ? answer.prepared.plan.batch.copyBytes : null;
    expect(Buffer.from(copyBytes!).toString()).toBe(copyText);
    expect(moved[transferableSymbol]).toEqual([copyBytes!.buffer]);
  });

  it('answers a body it cannot read as the event loop would', () => {
    expect(prepareOnThread(task('{"events": {}}', 100))).toEqual({
      prepared: { ok: false, claimedPlatform: undefined, message: 'the body must have an "events" array' }, copyAt: null,
    });
  });
});
