/** What the admission decision looks at: cheap figures, read on every request. */
export interface Load {
  /** Tasks accepted and not ended (queued, prefetched by a thread, or running). */
  readonly inSystem: number;
  /** Tasks that can run at once (threads × tasks per thread). */
  readonly capacity: number;
  /**
   * Recent mean time between two task ends while the pool was busy, in ms: the service
   * interval, `run time / capacity` at saturation. `undefined` before it was measured.
   */
  readonly intervalMs: number | undefined;
}

export type Admission =
  | { readonly admit: true; readonly predictedMs: number }
  | { readonly admit: false; readonly predictedMs: number; readonly retryAfter: number };

/**
 * Predicted wait before a task offered now starts: nothing while a slot is free, else one
 * service interval for each task that must end before a slot frees for it (queue depth ×
 * mean run time / capacity, measured as the pool's recent pace so it holds whatever the
 * thread prefetch or batching does to start times). With nothing measured yet the task
 * is let in (the queue bound and its deadline still hold it).
 */
export function predictWait(load: Load): number {
  if (load.inSystem < load.capacity || load.intervalMs === undefined) return 0;
  return (load.inSystem - load.capacity + 1) * load.intervalMs;
}

/**
 * Pure: admit a request whose deadline is `deadlineMs`, or refuse it now (503) because it
 * would likely miss its deadline anyway: its predicted wait plus its own run (one mean
 * run time, `intervalMs × capacity`) exceeds it. Refusing early costs the client one
 * round trip; queueing it costs everyone behind it, and the work would be thrown away.
 */
export function admission(load: Load, deadlineMs: number): Admission {
  const predictedMs = predictWait(load);
  const runMs = predictedMs === 0 ? 0 : (load.intervalMs ?? 0) * load.capacity;
  if (predictedMs + runMs <= deadlineMs) return { admit: true, predictedMs };
  return { admit: false, predictedMs, retryAfter: retryAfterSeconds(predictedMs) };
}

/** `Retry-After` in whole seconds, from 1 to 60. */
export function retryAfterSeconds(ms: number): number {
  return Math.min(60, Math.max(1, Math.ceil(ms / 1000)));
}

/**
 * The request's deadline in ms from the `x-timeout-ms` header (an integer from 1 to `max`),
 * or `fallback` without the header. A RangeError for anything else (answered 400).
 */
export function parseDeadline(
  header: string | string[] | undefined,
  fallback: number,
  max: number,
): number | RangeError {
  if (header === undefined) return fallback;
  const text = Array.isArray(header) ? header[0] : header;
  const ms = text !== undefined && /^\d{1,16}$/.test(text.trim()) ? Number(text.trim()) : 0;
  // One message for every refusal: not a number, a fraction, 0, or past the maximum.
  if (ms < 1 || ms > max) {
    return new RangeError(
      `Expected the x-timeout-ms header to be an integer from 1 to ${max}, got ${JSON.stringify(header)}`,
    );
  }
  return ms;
}
