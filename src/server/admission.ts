/** What the admission decision looks at: cheap figures, read on every request. */
export interface Load {
  /** Tasks this server queued that have not started. */
  readonly queued: number;
  readonly running: number;
  /** Tasks that can run at once (threads × tasks per thread). */
  readonly capacity: number;
  /** Recent mean run time in ms; `undefined` before any task ended. */
  readonly meanRunMs: number | undefined;
}

export type Admission =
  | { readonly admit: true; readonly predictedMs: number }
  | { readonly admit: false; readonly predictedMs: number; readonly retryAfter: number };

/**
 * Predicted wait before a task offered now starts: nothing while a slot is free, else the
 * queue ahead of it plus itself, served `capacity` at a time at the recent mean run time.
 * With no run time measured yet there is nothing to predict from, and the task is let in
 * (the queue bound and its deadline still hold it).
 */
export function predictWait(load: Load): number {
  if (load.running + load.queued < load.capacity || load.meanRunMs === undefined) return 0;
  return ((load.queued + 1) * load.meanRunMs) / Math.max(1, load.capacity);
}

/**
 * Pure: admit a request whose deadline is `deadlineMs`, or refuse it now (503) because it
 * would likely wait past its deadline anyway: refusing early costs the client one round
 * trip, queueing it costs everyone behind it.
 */
export function admission(load: Load, deadlineMs: number): Admission {
  const predictedMs = predictWait(load);
  if (predictedMs <= deadlineMs) return { admit: true, predictedMs };
  return { admit: false, predictedMs, retryAfter: retryAfterSeconds(predictedMs) };
}

/** `Retry-After` in whole seconds, from 1 to 60. */
export function retryAfterSeconds(ms: number): number {
  return Math.min(60, Math.max(1, Math.ceil(ms / 1000)));
}

/**
 * The request's deadline in ms from the `x-timeout-ms` header (a positive integer, at most
 * `max`), or `fallback` without the header. A RangeError for anything else (answered 400).
 */
export function parseDeadline(
  header: string | string[] | undefined,
  fallback: number,
  max: number,
): number | RangeError {
  if (header === undefined) return fallback;
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || !/^\d{1,10}$/.test(text.trim())) {
    return new RangeError(
      `Expected the x-timeout-ms header to be a positive integer, got ${JSON.stringify(header)}`,
    );
  }
  const ms = Number(text.trim());
  if (ms < 1 || ms > max) {
    return new RangeError(`Expected the x-timeout-ms header to be from 1 to ${max}, got ${ms}`);
  }
  return ms;
}
