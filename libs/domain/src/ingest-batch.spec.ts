import fc from 'fast-check';
import { planIngestBatch, settleIngestBatch, UnreadableEntry } from './ingest-batch';
import type { OutcomeEvent } from './outcome-event';

const context = { now: Date.UTC(2026, 5, 8), platform: 'notion' };
const raw = (id: string, outcome = 'success') => ({
  id,
  provider: 'anthropic',
  model: 'claude-opus-4-7',
  occurredAt: '2026-06-07T09:02:13Z',
  outcome,
});

describe('planIngestBatch', () => {
  it('keeps the first of identical repeats and counts the rest as duplicates', () => {
    const plan = planIngestBatch([raw('a'), raw('b'), raw('a'), raw('a')], context);
    expect(plan.events.map((e) => e.id)).toEqual(['a', 'b']);
    expect(plan.positions).toEqual([0, 1]);
    expect(plan.duplicates).toBe(2);
    expect(plan.rejected).toEqual([]);
  });

  it('rejects a repeated id with different content as a conflict, keeping the first', () => {
    const plan = planIngestBatch([raw('a'), raw('a', 'error')], context);
    expect(plan.events).toHaveLength(1);
    expect(plan.events[0]!.outcome).toBe('success');
    expect(plan.rejected).toEqual([{ index: 1, id: 'a', errors: [expect.stringContaining('conflict')] }]);
  });

  it('rejects unreadable entries and invalid events by index', () => {
    const plan = planIngestBatch([new UnreadableEntry('line 1 is not valid JSON'), raw('ok'), { id: 'x' }], context);
    expect(plan.rejected.map((r) => [r.index, r.id])).toEqual([
      [0, null],
      [2, 'x'],
    ]);
    expect(plan.rejected[0]!.errors).toEqual(['line 1 is not valid JSON']);
  });
});

describe('settleIngestBatch', () => {
  it('tells duplicates from conflicts by comparing with what the log holds, in batch order', () => {
    const plan = planIngestBatch([{ id: 'bad' }, raw('new'), raw('same'), raw('changed', 'error')], context);
    const stored = new Map<string, OutcomeEvent>([
      ['same', plan.events[1]!],
      ['changed', { ...plan.events[2]!, outcome: 'success' }],
    ]);
    const result = settleIngestBatch(plan, stored);
    expect(result.accepted).toBe(1);
    expect(result.duplicates).toBe(1);
    expect(result.rejected.map((r) => [r.index, r.id])).toEqual([
      [0, 'bad'],
      [3, 'changed'],
    ]);
  });

  it('accounts for every entry exactly once: accepted + duplicates + rejected = batch size', () => {
    const entry = fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd'), outcome: fc.constantFrom('success', 'error', 'bogus') });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), fc.subarray(['a', 'b', 'c', 'd']), (entries, alreadyStored) => {
        const plan = planIngestBatch(entries.map((e) => raw(e.id, e.outcome)), context);
        const stored = new Map(plan.events.filter((e) => alreadyStored.includes(e.id)).map((e) => [e.id, e]));
        const result = settleIngestBatch(plan, stored);
        expect(result.accepted + result.duplicates + result.rejected.length).toBe(entries.length);
        expect(result.accepted).toBe(plan.events.length - stored.size);
      }),
    );
  });
});
