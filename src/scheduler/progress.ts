import type { Emitter, SchedulerEvents } from './events.js';

/** What a task's `onProgress` option receives: each value its work reported, in order. */
export type ProgressListener = (value: unknown) => void;

/**
 * Passes on one progress report of task `id`: the pool's `progress` event, then the task's
 * own `onProgress`. Used by the scheduler for its tasks and by `Pool.map`'s fast path for
 * its items, so both report alike. A throwing listener must not fail the task or the pool:
 * its error is reported as an uncaught exception, as the emitter does for event listeners.
 */
export function reportProgress(
  events: Emitter<SchedulerEvents>,
  listener: ProgressListener | undefined,
  id: number,
  name: string | undefined,
  value: unknown,
): void {
  if (events.has('progress')) {
    const e = { id, value };
    events.emit('progress', name === undefined ? e : { ...e, name });
  }
  if (listener === undefined) return;
  try {
    listener(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
