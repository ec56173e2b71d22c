import { PoolClosedError, TaskCancelledError, TaskTimeoutError } from '../errors.js';
import type { TaskQueue } from '../queue/types.js';
import type { Health } from '../types.js';
import type { NormalizedSchedulerOptions } from './options.js';

/**
 * Pure: why a task offered now must be refused whatever the room (closed, already
 * cancelled, unhealthy executor), or `undefined` to go on. Checked before room, so a full
 * queue never hides a closed pool.
 */
export function refusal(
  closed: boolean,
  signal: AbortSignal | undefined,
  health: Health,
): Error | undefined {
  if (closed) return new PoolClosedError();
  if (signal?.aborted === true) {
    return new TaskCancelledError('Task was cancelled before it was accepted', {
      cause: signal.reason,
    });
  }
  if (!health.healthy) return health.error;
  return undefined;
}

/**
 * Pure: the error an accepted task settles with when its signal aborts. A signal aborted
 * with a `TaskTimeoutError` (a caller's own deadline, such as the server's request
 * deadline) times the task out, and it counts as `timedOut`; any other reason cancels it.
 */
export function signalError(reason: unknown): Error {
  if (reason instanceof TaskTimeoutError) return reason;
  return new TaskCancelledError('Task was cancelled by its signal', { cause: reason });
}

/**
 * Pure: whether a task offered now fits without waiting. The queue bound counts only what
 * waits beyond the free slots (`free`: slots at `max` workers not yet taken; 0 while paused).
 */
export function hasRoom(waiting: number, maxQueue: number, free: number): boolean {
  return waiting < maxQueue + Math.max(0, free);
}

/**
 * Pure given the queue (read, not changed): the queued item a drop overflow policy evicts
 * for a newcomer of `priority`, or `undefined` if none should go (no drop policy, an empty
 * queue, or under drop-lowest nothing ranks strictly below the newcomer).
 */
export function overflowVictim<T extends { readonly priority: number }>(
  policy: NormalizedSchedulerOptions['overflow'],
  queue: TaskQueue<T>,
  priority: number,
): T | undefined {
  if (policy !== 'drop-oldest' && policy !== 'drop-lowest') return undefined;
  const victim = policy === 'drop-oldest' ? queue.oldest() : queue.lowest();
  if (victim === undefined) return undefined;
  if (policy === 'drop-lowest' && victim.priority >= priority) return undefined;
  return victim;
}
