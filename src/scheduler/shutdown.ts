import type { Clock } from './clock.js';

export interface CloseOptions {
  /**
   * Time allowed to drain, in ms. Past it, waiting tasks are cancelled and running ones
   * have their signal aborted; those still running `grace` ms later are killed.
   * @default Infinity
   */
  readonly timeout?: number;
  /** @default 1000 */
  readonly grace?: number;
}

/**
 * Pure: whether every accepted task has settled, so `close()` may go on: nothing `waiting`
 * (queued or given back), `delayed` (retry backoff) or `rejecting` (callers' promises told
 * to reject that have not yet), and every `active` record settled. A timed-out or
 * cancelled in-process function that ignores its signal keeps its slot, but close() does
 * not wait for it: its caller already has an answer, and a function that never returns
 * must not hang shutdown. Positional, not an object: it runs after every dispatch pass
 * while a close waits.
 */
export function drained(
  waiting: number,
  delayed: number,
  rejecting: number,
  active: Iterable<{ readonly settled: boolean }>,
): boolean {
  if (waiting > 0 || delayed > 0 || rejecting > 0) return false;
  for (const record of active) if (!record.settled) return false;
  return true;
}

/** Resolves true if `promise` settles within `ms` (on `clock`), else false. */
export function within(clock: Clock, promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => resolve(false), ms);
    promise.then(() => {
      clock.clearTimeout(timer);
      resolve(true);
    });
  });
}

/** What the close tracker reads of the waiting work (the scheduler's backlog). */
export interface Waiting {
  /** Records queued or given back. */
  readonly size: number;
  /** Records waiting out a retry backoff. */
  readonly delayed: number;
}

/**
 * Tracks what `close()` waits for: the accepted work (read from the backlog and the active
 * set it is given) and the callers' promises told to reject that have not rejected yet.
 * Holds the waiting closes and wakes them once `drained` holds; the scheduler calls `check`
 * after every dispatch pass.
 */
export class CloseTracker {
  readonly #waiting: Waiting;
  readonly #active: Iterable<{ readonly settled: boolean }>;
  #waiters: (() => void)[] = [];
  /** Callers' promises told to reject that have not rejected yet. */
  #rejecting = 0;

  constructor(waiting: Waiting, active: Iterable<{ readonly settled: boolean }>) {
    this.#waiting = waiting;
    this.#active = active;
  }

  /** Whether every accepted task has settled (see `drained`). */
  get drained(): boolean {
    return drained(this.#waiting.size, this.#waiting.delayed, this.#rejecting, this.#active);
  }

  /**
   * Watches the caller's promise of a task that failed. It adopts a rejected promise, so it
   * rejects a few microtasks later. Watching it does two jobs: it marks it handled (a result
   * nobody awaits must not crash the process) and lets close() resolve only after it has
   * really settled. A task that failed at once, inside run(), has no promise yet: watch it
   * before Node looks for unhandled rejections (after the microtask queue drains).
   */
  watch(task: { readonly promise: Promise<unknown> | undefined }): void {
    if (task.promise !== undefined) this.#watch(task.promise);
    else queueMicrotask(() => task.promise !== undefined && this.#watch(task.promise));
  }

  #watch(promise: Promise<unknown>): void {
    this.#rejecting++;
    promise.then(undefined, () => {
      this.#rejecting--;
      this.check();
    });
  }

  /** Resolves once every accepted task has settled. */
  settled(): Promise<void> {
    if (this.drained) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Wakes the waiting closes if every accepted task has settled. */
  check(): void {
    if (this.#waiters.length === 0 || !this.drained) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
