import { IngestGate } from './ingest-gate';

/** A piece of work that finishes when told to. */
function deferred(): { promise: Promise<void>; finish: () => void } {
  let finish!: () => void;
  const promise = new Promise<void>((resolve) => (finish = resolve));
  return { promise, finish };
}

describe('IngestGate', () => {
  it('runs at most `concurrency` batches at once, the others in the order they came', async () => {
    const gate = new IngestGate(2);
    const works = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = works.map((w, i) => gate.tryRun(async () => {
      started.push(i);
      await w.promise;
      return i;
    }));
    await Promise.resolve();

    expect(started).toEqual([0, 1]);
    expect(gate.load).toEqual({ active: 2, waiting: 2 });
    works[1]!.finish();
    await runs[1];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    for (const w of works) w.finish();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(gate.load).toEqual({ active: 0, waiting: 0 });
  });

  it('turns a batch away, without running it, when four per slot wait already', async () => {
    const gate = new IngestGate(1);
    const blocker = deferred();
    const admitted = Array.from({ length: 5 }, () => gate.tryRun(() => blocker.promise));
    await Promise.resolve();
    let ran = false;

    expect(admitted.every((run) => run !== null)).toBe(true);
    expect(gate.tryRun(async () => void (ran = true))).toBeNull();
    blocker.finish();
    await Promise.all(admitted);
    expect(ran).toBe(false);
    expect(gate.tryRun(async () => 'again')).not.toBeNull();
  });
});
