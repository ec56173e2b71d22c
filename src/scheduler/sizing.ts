/**
 * Sizing policy as pure functions of state, so it is tested without threads or time.
 * Demand is counted in workers: ceil((running + queued) / tasks per worker).
 */

export interface SizingState {
  readonly workers: number;
  readonly running: number;
  readonly queued: number;
  readonly perWorker: number;
}

export interface SizingLimits {
  readonly min: number;
  readonly max: number;
}

export function demand(s: Omit<SizingState, 'workers'>): number {
  return Math.ceil((s.running + s.queued) / s.perWorker);
}

/** Workers wanted right now: grow at once (up to `max`) when work waits; never shrink here. */
export function growTarget(s: SizingState, limits: SizingLimits): number {
  if (s.queued === 0) return Math.max(s.workers, limits.min);
  return Math.max(s.workers, limits.min, Math.min(limits.max, demand(s)));
}

/**
 * Workers to keep at the end of an idle window: those the highest demand seen during the
 * window needed, and never fewer than `min`. A worker not needed for a whole `idleTimeout`
 * window is retired.
 */
export function shrinkTarget(workers: number, peakDemand: number, limits: SizingLimits): number {
  return Math.min(workers, Math.max(limits.min, Math.min(limits.max, peakDemand)));
}
