import { ContractMinuteCache } from './contract-minute-cache';

describe('ContractMinuteCache', () => {
  /** A loader over fixed data that records what it was asked for. */
  const loader = (data: Map<number, number>) => {
    const asked: [number, number][] = [];
    const load = async (first: number, last: number) => {
      asked.push([first, last]);
      return [...data.entries()].filter(([m]) => m >= first && m <= last).map(([minute, failures]) => ({ minute, failures, eligible: 10 }));
    };
    return { asked, load };
  };

  it('reads only the minutes it does not hold, across evaluations that follow each other', async () => {
    const data = new Map([[100, 1], [150, 2], [200, 3]]);
    const { asked, load } = loader(data);
    const cache = new ContractMinuteCache();
    cache.begin('a', []);
    expect((await cache.read('c1', 'p', 100, 180, load)).map((m) => m.minute)).toEqual([100, 150]);
    cache.end('b');
    cache.begin('b', []);
    expect((await cache.read('c1', 'p', 120, 210, load)).map((m) => m.minute)).toEqual([150, 200]);
    expect(asked).toEqual([[100, 180], [181, 210]]);
  });

  it('reads again from the first minute a change touched, and everything when another process evaluated in between', async () => {
    const data = new Map([[100, 1], [150, 2]]);
    const { asked, load } = loader(data);
    const cache = new ContractMinuteCache();
    cache.begin('a', []);
    await cache.read('c1', 'p', 100, 200, load);
    cache.end('b');
    data.set(150, 7);
    cache.begin('b', [{ provider: 'p', first: 140, last: 160 }, { provider: 'other', first: 0, last: 1 }]);
    expect((await cache.read('c1', 'p', 100, 200, load)).map((m) => m.failures)).toEqual([1, 7]);
    expect(asked).toEqual([[100, 200], [140, 200]]);
    cache.end('c');
    cache.begin('somewhere else', []);
    await cache.read('c1', 'p', 100, 200, load);
    expect(asked.at(-1)).toEqual([100, 200]);
  });
});
