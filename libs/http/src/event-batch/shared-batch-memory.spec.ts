import { SharedBatchMemory } from './shared-batch-memory';

const MiB = 1024 * 1024;

describe('SharedBatchMemory (slots for ingest bodies, reused)', () => {
  it('gives a slot twice the body, in whole MiB, and the same slot again once it is back', () => {
    const memory = new SharedBatchMemory(16 * MiB);
    const slot = memory.take(700_000);
    expect(slot.byteLength).toBe(2 * MiB);
    expect(memory.take(700_000)).not.toBe(slot); // still in use: another one
    memory.give(slot);
    expect(memory.idleBytes).toBe(2 * MiB);
    expect(memory.take(10)).toBe(slot);
    expect(memory.idleBytes).toBe(0);
  });

  it('takes the smallest idle slot that is large enough, and makes a new one when none is', () => {
    const memory = new SharedBatchMemory(16 * MiB);
    const small = memory.take(MiB / 2);
    const large = memory.take(3 * MiB);
    memory.give(large);
    memory.give(small);
    expect(memory.take(100)).toBe(small);
    expect(memory.take(2 * MiB)).toBe(large);
    const fresh = memory.take(5 * MiB);
    expect(fresh.byteLength).toBe(10 * MiB);
  });

  it('keeps at most the idle memory it was given, letting the largest slots go first', () => {
    const memory = new SharedBatchMemory(5 * MiB);
    const slots = [memory.take(MiB), memory.take(MiB), memory.take(MiB / 2), memory.take(4 * MiB)];
    for (const slot of slots) memory.give(slot);
    // 2 + 2 + 1 MiB kept; the 8 MiB slot let go.
    expect(memory.idleBytes).toBe(5 * MiB);
    expect(memory.take(3 * MiB).byteLength).toBe(6 * MiB);
  });
});
