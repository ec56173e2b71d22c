import * as v from '../validate.js';
import { cancelled, listen, type SignalOptions } from './signal.js';
import { WaitQueue } from './wait-queue.js';

interface Waiter {
  readonly n: number;
  readonly grant: () => void;
}

/**
 * A weighted semaphore (golang.org/x/sync/semaphore): `size` tokens; `acquire(n)` waits for n.
 *
 * Waiters are served strictly FIFO: while a large request waits at the head, smaller later
 * ones wait behind it even if they would fit. Letting them pass would starve large requests
 * whenever small ones keep arriving; the price is some idle tokens while the head waits.
 */
export class Semaphore {
  readonly #size: number;
  #held = 0;
  readonly #waiters = new WaitQueue<Waiter>();

  /** @param size the number of tokens, an integer from 1 and up. */
  constructor(size: number) {
    this.#size = v.integer('size', size, 1);
  }

  get size(): number {
    return this.#size;
  }

  /** Tokens not held (some may be promised to the waiter at the head). */
  get available(): number {
    return this.#size - this.#held;
  }

  /** Acquirers waiting. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /**
   * Acquires `n` tokens, waiting behind earlier acquirers. Rejects `RangeError` when n exceeds
   * `size` (x/sync would wait forever; we fail fast). An already-aborted `signal` rejects even
   * if tokens are free; an aborted wait takes nothing and lets the waiters behind it proceed.
   * @default n 1
   */
  acquire(n = 1, options?: SignalOptions): Promise<void> {
    try {
      this.#check(n);
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(cancelled(signal, 'Semaphore.acquire'));
    if (this.#fits(n)) {
      this.#held += n;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const node = this.#waiters.push({
        n,
        grant: () => {
          dispose();
          resolve();
        },
      });
      const dispose = listen(signal, () => {
        this.#waiters.remove(node);
        // If it stood at the head, the waiters behind may fit now.
        this.#notify();
        if (signal !== undefined) reject(cancelled(signal, 'Semaphore.acquire'));
      });
    });
  }

  /**
   * Acquires `n` tokens only if that needs no waiting (and nobody waits ahead): true on success.
   * Throws `RangeError` when n exceeds `size`.
   * @default n 1
   */
  tryAcquire(n = 1): boolean {
    this.#check(n);
    if (!this.#fits(n)) return false;
    this.#held += n;
    return true;
  }

  /**
   * Returns `n` tokens and wakes waiters in FIFO order while the head fits. Throws
   * `RangeError`, changing nothing, when releasing more than is held.
   * @default n 1
   */
  release(n = 1): void {
    v.integer('n', n, 1);
    if (n > this.#held) {
      throw new RangeError(`semaphore: released more than held (release ${n}, held ${this.#held})`);
    }
    this.#held -= n;
    this.#notify();
  }

  #check(n: number): void {
    v.integer('n', n, 1);
    if (n > this.#size) {
      throw new RangeError(
        `Expected \`n\` to be at most the semaphore size ${this.#size}, got \`${n}\``,
      );
    }
  }

  #fits(n: number): boolean {
    return this.#waiters.size === 0 && this.#size - this.#held >= n;
  }

  #notify(): void {
    for (let head = this.#waiters.peek(); head !== undefined; head = this.#waiters.peek()) {
      if (this.#size - this.#held < head.value.n) return;
      this.#held += head.value.n;
      this.#waiters.remove(head);
      head.value.grant();
    }
  }
}
