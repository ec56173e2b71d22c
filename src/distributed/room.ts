/**
 * Back-pressure across the cluster: `maxQueue` bounds the jobs waiting in Redis (every
 * pool's, every lane's). `wait` counts them and waits while they are at the bound, or
 * rejects `QueueFullError` with `overflow: 'reject'`; a job leaving the queue (seen on
 * the events stream) wakes the waiters, and a second's poll bounds the wait when another
 * pool's jobs are not ours to see. The count is approximate between reads: concurrent
 * submitters may pass the bound by their number.
 */
import { PoolClosedError, QueueFullError } from '../index.js';
import { waitingJobs } from './counts.js';
import type { PoolMeters } from './meters.js';
import type { NormalizedRedisQueueOptions } from './options.js';
import type { Parts } from './parts.js';

type RoomOptions = NormalizedRedisQueueOptions & {
  readonly maxQueue: number;
  readonly overflow: 'wait' | 'reject';
};

export class Room {
  readonly #o: RoomOptions;
  readonly #meters: PoolMeters;
  #waiters: (() => void)[] = [];
  /** Jobs waiting in Redis, as last counted (and kept up by this pool's adds and starts). */
  queued = 0;

  constructor(o: RoomOptions, meters: PoolMeters) {
    this.#o = o;
    this.#meters = meters;
  }

  /** Whether a submit may go on without a count (no bound, or room as last counted). */
  get free(): boolean {
    return this.queued < this.#o.maxQueue;
  }

  /** Waits while `maxQueue` jobs wait, or rejects; `closed()` true ends the wait with `PoolClosedError`. */
  async wait(parts: Parts, closed: () => boolean): Promise<void> {
    if (this.#o.maxQueue === Number.POSITIVE_INFINITY) return;
    for (;;) {
      this.queued = await waitingJobs(parts, this.#o);
      if (this.queued < this.#o.maxQueue) return;
      // Counted `rejected` by the pool, with every other refusal (pool.ts `#refuse`).
      if (this.#o.overflow === 'reject') throw new QueueFullError(this.#o.maxQueue);
      if (closed()) throw new PoolClosedError();
      this.#meters.blocked++;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.#meters.blocked--;
    }
  }

  /** A job left the queue (started, removed): waiters look again. */
  made(): void {
    if (this.queued > 0) this.queued--;
    this.wake();
  }

  /** Wakes every waiter (they count again, or see the pool closed). */
  wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
