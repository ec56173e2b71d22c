/**
 * A growable FIFO ring buffer: O(1) push and shift, memory proportional to the high-water
 * mark (capacity doubles when full and never shrinks below 16 slots).
 */
export class Ring<T> {
  #items: (T | undefined)[] = new Array(16);
  #head = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) & (this.#items.length - 1)] = item;
    this.#size++;
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#size--;
    return item;
  }

  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** The newest item without removing it. */
  last(): T | undefined {
    return this.#size === 0
      ? undefined
      : this.#items[(this.#head + this.#size - 1) & (this.#items.length - 1)];
  }

  /**
   * Removes `item` wherever it stands. O(n) from the head: removals in a task queue are
   * mostly of the oldest entries (queue timeouts), which stand near the head.
   */
  remove(item: T): boolean {
    const mask = this.#items.length - 1;
    for (let i = 0; i < this.#size; i++) {
      if (this.#items[(this.#head + i) & mask] !== item) continue;
      for (let j = i; j < this.#size - 1; j++) {
        this.#items[(this.#head + j) & mask] = this.#items[(this.#head + j + 1) & mask];
      }
      this.#items[(this.#head + this.#size - 1) & mask] = undefined;
      this.#size--;
      return true;
    }
    return false;
  }

  /** Empties the ring and returns its items oldest first. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    const mask = this.#items.length - 1;
    for (let i = 0; i < this.#size; i++) yield this.#items[(this.#head + i) & mask] as T;
  }

  #grow(): void {
    const old = this.#items;
    const next: (T | undefined)[] = new Array(old.length * 2);
    for (let i = 0; i < this.#size; i++) next[i] = old[(this.#head + i) & (old.length - 1)];
    this.#items = next;
    this.#head = 0;
  }
}
