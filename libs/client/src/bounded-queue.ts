/**
 * A first-in, first-out queue of at most `capacity` items. `offer` refuses an item when the
 * queue is full (the caller drops the newest: what is queued stays queued). Taking from the
 * head is O(1) amortised: the array is compacted only once half of it is spent.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /** Appends the item unless the queue is full; says whether it did. */
  offer(item: T): boolean {
    if (this.length >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  /** Removes and returns up to `count` items from the head, oldest first. */
  take(count: number): T[] {
    const taken = this.items.slice(this.head, this.head + count);
    this.head += taken.length;
    if (this.head > 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return taken;
  }

  /** Empties the queue; returns what it held. */
  clear(): T[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }
}
