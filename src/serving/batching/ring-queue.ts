/**
 * A growable FIFO ring buffer. `Array.prototype.shift` is O(n) once V8 stops
 * using its fast path for large arrays, which makes a busy queue O(n²); this
 * keeps push and shift O(1) amortised.
 */
export class RingQueue<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(initialCapacity = 16) {
    this.items = new Array<T | undefined>(Math.max(1, initialCapacity));
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) % this.items.length] = item;
    this.count++;
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined; // let the request be collected
    this.head = (this.head + 1) % this.items.length;
    this.count--;
    return item;
  }

  /**
   * Keeps the items for which `keep` is true, in order; O(n). Used for the
   * rare deadline sweep, never on the per-request path.
   */
  retain(keep: (item: T) => boolean): void {
    const cap = this.items.length;
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      const item = this.items[(this.head + i) % cap] as T;
      if (keep(item)) this.items[(this.head + kept++) % cap] = item;
    }
    for (let i = kept; i < this.count; i++) this.items[(this.head + i) % cap] = undefined;
    this.count = kept;
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.items.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) % this.items.length];
    this.items = next;
    this.head = 0;
  }
}
