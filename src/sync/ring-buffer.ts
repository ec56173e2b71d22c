/**
 * The project's one growable FIFO ring: channel buffers (sync/), task queues (queue/) and
 * waiting producers (scheduler/) all use it. O(1) push and shift; capacity is a power of two
 * (index by mask), allocated on first push and doubled when full, never shrunk, so memory
 * follows the high-water mark, not a channel's declared capacity. It stores any `T`,
 * `undefined` included: emptiness is `size`, and `shift()` of an empty ring returns
 * `undefined` for callers that store no `undefined` values.
 */
export class RingBuffer<T> implements Iterable<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(value: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) & (this.#items.length - 1)] = value;
    this.#size++;
  }

  /** Removes and returns the oldest value (`undefined` when empty). */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const value = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#size--;
    return value;
  }

  /** The oldest value without removing it. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** The newest value without removing it. */
  last(): T | undefined {
    return this.#size === 0
      ? undefined
      : this.#items[(this.#head + this.#size - 1) & (this.#items.length - 1)];
  }

  /** The value `index` places after the oldest (0: the oldest, `size - 1`: the newest), or `undefined` out of range. */
  at(index: number): T | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.#size) return undefined;
    return this.#items[(this.#head + index) & (this.#items.length - 1)];
  }

  /**
   * Removes `value` wherever it stands. O(n) from the head: removals from a task queue are
   * mostly of the oldest entries (queue timeouts), which stand near the head.
   */
  remove(value: T): boolean {
    const mask = this.#items.length - 1;
    for (let i = 0; i < this.#size; i++) {
      if (this.#items[(this.#head + i) & mask] !== value) continue;
      for (let j = i; j < this.#size - 1; j++) {
        this.#items[(this.#head + j) & mask] = this.#items[(this.#head + j + 1) & mask];
      }
      this.#items[(this.#head + this.#size - 1) & mask] = undefined;
      this.#size--;
      return true;
    }
    return false;
  }

  /** Empties the ring and returns its values oldest first. */
  drain(): T[] {
    const out: T[] = [];
    while (this.#size > 0) out.push(this.shift() as T);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    const mask = this.#items.length - 1;
    for (let i = 0; i < this.#size; i++) yield this.#items[(this.#head + i) & mask] as T;
  }

  #grow(): void {
    const old = this.#items;
    const next: (T | undefined)[] = new Array(Math.max(16, old.length * 2));
    for (let i = 0; i < this.#size; i++) next[i] = old[(this.#head + i) & (old.length - 1)];
    this.#items = next;
    this.#head = 0;
  }
}
