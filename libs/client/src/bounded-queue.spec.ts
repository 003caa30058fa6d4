import { BoundedQueue } from './bounded-queue';

describe('BoundedQueue', () => {
  it('keeps items first in, first out, and refuses the newest when full', () => {
    const queue = new BoundedQueue<number>(3);
    expect([1, 2, 3, 4].map((n) => queue.offer(n))).toEqual([true, true, true, false]);
    expect(queue.length).toBe(3);
    expect(queue.take(2)).toEqual([1, 2]);
    expect(queue.offer(5)).toBe(true);
    expect(queue.peek()).toBe(3);
    expect(queue.take(10)).toEqual([3, 5]);
    expect(queue.take(1)).toEqual([]);
    expect(queue.peek()).toBeUndefined();
  });

  it('stays in order across compaction', () => {
    const queue = new BoundedQueue<number>(5_000);
    const taken: number[] = [];
    let next = 0;
    for (let round = 0; round < 20; round++) {
      while (queue.offer(next)) next++;
      taken.push(...queue.take(700));
    }
    taken.push(...queue.take(5_000));
    expect(taken).toEqual(Array.from({ length: next }, (_, i) => i));
  });

  it('clear() empties it and returns what it held', () => {
    const queue = new BoundedQueue<string>(3);
    queue.offer('a');
    queue.offer('b');
    queue.take(1);
    expect(queue.clear()).toEqual(['b']);
    expect(queue.length).toBe(0);
    expect(queue.offer('c')).toBe(true);
  });
});
