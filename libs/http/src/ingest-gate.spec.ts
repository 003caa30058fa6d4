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
    const runs = works.map((w, i) => gate.tryRun(`key-${i % 2}`, async () => {
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
    const admitted = Array.from({ length: 5 }, (_, i) => gate.tryRun(`key-${i}`, () => blocker.promise));
    await Promise.resolve();
    let ran = false;

    expect(admitted.every((run) => run !== null)).toBe(true);
    expect(gate.tryRun('key-5', async () => void (ran = true))).toBeNull();
    blocker.finish();
    await Promise.all(admitted);
    expect(ran).toBe(false);
    expect(gate.tryRun('key-5', async () => 'again')).not.toBeNull();
  });

  it('lets one key hold at most half of the room, so another key still gets in', async () => {
    const gate = new IngestGate(2); // room for 10 batches
    const blocker = deferred();
    const noisy = Array.from({ length: 6 }, () => gate.tryRun('noisy', () => blocker.promise));

    expect(noisy.map((run) => run !== null)).toEqual([true, true, true, true, true, false]);
    const quiet = gate.tryRun('quiet', async () => 'stored');
    expect(quiet).not.toBeNull();
    blocker.finish();
    await Promise.all(noisy);
    expect(await quiet).toBe('stored');
    // Its batches done, the noisy key has its half again.
    expect(gate.tryRun('noisy', async () => 'again')).not.toBeNull();
  });

  it('runs half as many batches at once while the projections it shares Postgres with work off a backlog', async () => {
    const pressure = { backlogged: true };
    const gate = new IngestGate(2, pressure);
    const works = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = works.map((w, i) => gate.tryRun(`key-${i % 2}`, async () => {
      started.push(i);
      await w.promise;
    }));
    await Promise.resolve();
    expect({ started, load: gate.load }).toEqual({ started: [0], load: { active: 1, waiting: 3 } });

    pressure.backlogged = false; // caught up: the next turn that ends lets two run again
    works[0]!.finish();
    await runs[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    for (const w of works) w.finish();
    await Promise.all(runs);
    expect(gate.load).toEqual({ active: 0, waiting: 0 });
  });
});
