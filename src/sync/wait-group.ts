import * as v from '../validate.js';
import { cancelled, listen, type SignalOptions } from './signal.js';

/**
 * Go's `sync.WaitGroup`: a counter of outstanding work. `add` before starting work, `done`
 * when it finishes, `wait` until the counter is zero. A zero WaitGroup is valid.
 */
export class WaitGroup {
  #count = 0;
  readonly #waiters = new Set<() => void>();

  /** The current counter. */
  get count(): number {
    return this.#count;
  }

  /**
   * Adds `delta` (an integer, may be negative) to the counter. When it reaches zero, every
   * `wait` resolves. Throws `RangeError` if the counter would go negative (Go panics with
   * "sync: negative WaitGroup counter"), leaving it unchanged.
   * @default delta 1
   */
  add(delta = 1): void {
    v.anyInteger('delta', delta);
    const next = this.#count + delta;
    if (next < 0) {
      throw new RangeError(
        `sync: negative WaitGroup counter (${this.#count} + ${delta} = ${next})`,
      );
    }
    this.#count = next;
    if (next === 0 && this.#waiters.size > 0) {
      const waiters = [...this.#waiters];
      this.#waiters.clear();
      for (const wake of waiters) wake();
    }
  }

  /** `add(-1)`. */
  done(): void {
    this.add(-1);
  }

  /**
   * Resolves when the counter is zero (at once if it already is). An aborted `signal` rejects
   * with `TaskCancelledError` and leaves the group unchanged.
   */
  wait(options?: SignalOptions): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(cancelled(signal, 'WaitGroup.wait'));
    if (this.#count === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        dispose();
        resolve();
      };
      const dispose = listen(signal, () => {
        this.#waiters.delete(wake);
        if (signal !== undefined) reject(cancelled(signal, 'WaitGroup.wait'));
      });
      this.#waiters.add(wake);
    });
  }
}
