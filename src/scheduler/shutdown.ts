import type { Clock } from './clock.js';

/** What `close()` and `terminate()` resolve with: totals over the pool's life. */
export interface CloseReport {
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly timedOut: number;
  /** Tasks still running when the workers were stopped by force (threads killed). */
  readonly killed: number;
}

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
