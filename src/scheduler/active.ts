/** What the active set needs of an item: a place to keep its index. */
export interface Slotted {
  slot: number;
}

/**
 * The records an executor holds, as a dense array: O(1) add and delete (swap with the
 * last), iteration without allocation (a Set's delete showed in the profiles of no-op
 * tasks; BENCHMARKS.md has the figures). Also keeps one clock time per item (the scheduler's begin time), in
 * a Float64Array beside it: active items are few, so the time costs nothing per queued
 * task (on the record, a double field is a boxed 16-byte number).
 */
export class ActiveSet<T extends Slotted> implements Iterable<T> {
  readonly #items: T[] = [];
  #times = new Float64Array(16);

  get size(): number {
    return this.#items.length;
  }

  add(item: T): void {
    const i = this.#items.length;
    item.slot = i;
    this.#items.push(item);
    if (i === this.#times.length) {
      const times = new Float64Array(i * 2);
      times.set(this.#times);
      this.#times = times;
    }
    this.#times[i] = 0;
  }

  /** The time kept for an item in the set (0 until set). */
  timeOf(item: T): number {
    return this.#times[item.slot] ?? 0;
  }

  /** Keeps a time for an item in the set. */
  setTime(item: T, time: number): void {
    this.#times[item.slot] = time;
  }

  delete(item: T): boolean {
    const i = item.slot;
    const items = this.#items;
    if (i < 0 || items[i] !== item) return false;
    const last = items.pop() as T;
    if (last !== item) {
      items[i] = last;
      last.slot = i;
      this.#times[i] = this.#times[items.length] ?? 0;
    }
    item.slot = -1;
    return true;
  }

  /** A copy, safe to iterate while items leave. */
  snapshot(): T[] {
    return [...this.#items];
  }

  [Symbol.iterator](): Iterator<T> {
    return this.#items[Symbol.iterator]();
  }
}
