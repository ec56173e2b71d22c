/**
 * A growable FIFO ring for channel buffers. Unlike `queue/Ring` it stores any `T`, including
 * `undefined` (emptiness is `length`, not a sentinel), and it allocates lazily, so a channel
 * with a large capacity costs memory only for the values it actually holds.
 * Internal to `sync/`.
 */
export class RingBuffer<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(value: T): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) % this.#items.length] = value;
    this.#length++;
  }

  /** Removes and returns the oldest value. The caller checks `length > 0` first. */
  shift(): T {
    const value = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#items.length;
    this.#length--;
    return value;
  }

  #grow(): void {
    const old = this.#items;
    const next: (T | undefined)[] = new Array(Math.max(4, old.length * 2));
    for (let i = 0; i < this.#length; i++) next[i] = old[(this.#head + i) % old.length];
    this.#items = next;
    this.#head = 0;
  }
}
