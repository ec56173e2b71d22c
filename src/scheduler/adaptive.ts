/**
 * Self-tuning concurrency from measured latency (the delay-based family of TCP Vegas, as
 * used for request concurrency by Netflix's concurrency-limits and Envoy's adaptive
 * concurrency filter). The no-load latency is the baseline; the ratio of a window's
 * average latency to it says whether the backend is queueing. Once per window (one sample
 * per allowed task, about one round trip):
 * - ratio below `grow`: add one (or, until the first overload, multiply by 1.5: slow start);
 * - ratio above `shrink`: cut by sqrt(grow / ratio), at least one, at most half;
 * - after any cut, the next `calm` windows do not grow, so probing past the knee is rare;
 * - the window after any change is only observed: its tasks started under the old limit.
 * The baseline is re-measured every `probeEvery` windows at half the limit (Envoy's
 * minRTT window): a baseline learned under load would drift up with the load and let the
 * limit creep past the knee.
 * Pure functions of state, tested without time or load.
 */

type Phase = 'run' | 'probe-settle' | 'probe';

export interface AdaptiveState {
  /** Current limit; the scheduler runs at most floor(limit) tasks (and at least `min`). */
  readonly limit: number;
  /** No-load latency (0 until measured). */
  readonly baseline: number;
  /** The window being filled. */
  readonly count: number;
  readonly sum: number;
  readonly low: number;
  /** Most tasks in flight seen in the window (too few means the limit was not probed). */
  readonly peak: number;
  /** Windows left before growing again after a cut. */
  readonly calm: number;
  readonly slowStart: boolean;
  /** The current window started under the previous limit: observe it, do not decide. */
  readonly stale: boolean;
  readonly phase: Phase;
  /** Windows until the next baseline probe. */
  readonly probeIn: number;
  /** The limit to return to after a probe. */
  readonly saved: number;
}

export interface AdaptiveConfig {
  readonly min: number;
  readonly max: number;
  /** Grow while average / baseline latency is below this. @default 1.1 */
  readonly grow: number;
  /** Shrink while it is above this. @default 1.25 */
  readonly shrink: number;
  /** Windows without growth after a cut. @default 5 */
  readonly calm: number;
  /** Windows between baseline probes. @default 200 */
  readonly probeEvery: number;
}

export const adaptiveDefaults = Object.freeze({
  grow: 1.1,
  shrink: 1.25,
  calm: 5,
  probeEvery: 200,
});

export function initialAdaptive(config: Pick<AdaptiveConfig, 'min' | 'max'>): AdaptiveState {
  const limit = Math.max(config.min, Math.min(config.max, 4));
  return {
    limit,
    baseline: 0,
    count: 0,
    sum: 0,
    low: Number.POSITIVE_INFINITY,
    peak: 0,
    calm: 0,
    slowStart: true,
    stale: false,
    phase: 'run',
    probeIn: adaptiveDefaults.probeEvery,
    saved: limit,
  };
}

/** The state after one task took `rtt` ms with `inflight` tasks running when it ended. */
export function adapt(
  state: AdaptiveState,
  rtt: number,
  inflight: number,
  config: AdaptiveConfig,
): AdaptiveState {
  const count = state.count + 1;
  const sum = state.sum + rtt;
  const low = Math.min(state.low, rtt);
  const peak = Math.max(state.peak, inflight);
  if (count < Math.max(1, Math.floor(state.limit))) return { ...state, count, sum, low, peak };
  // The window is full: decide.
  const next = { ...state, count: 0, sum: 0, low: Number.POSITIVE_INFINITY, peak: 0, stale: false };
  const clamp = (n: number): number => Math.max(config.min, Math.min(config.max, n));
  if (state.phase === 'probe-settle') return { ...next, phase: 'probe' };
  if (state.phase === 'probe') {
    const limit = clamp(state.saved);
    return { ...next, baseline: low, limit, phase: 'run', stale: true, probeIn: config.probeEvery };
  }
  if (state.baseline === 0 || low < state.baseline) next.baseline = low;
  if (state.probeIn <= 0 && state.limit >= 2) {
    return {
      ...next,
      saved: state.limit,
      limit: clamp(state.limit / 2),
      phase: 'probe-settle',
      stale: true,
    };
  }
  next.probeIn = state.probeIn - 1;
  if (state.stale || peak < state.limit / 2) return next; // stale, or application-limited
  const ratio = next.baseline > 0 ? sum / count / next.baseline : 1;
  let limit = state.limit;
  if (ratio > config.shrink) {
    limit = Math.max(limit / 2, Math.min(limit - 1, limit * Math.sqrt(config.grow / ratio)));
    next.calm = config.calm;
    next.slowStart = false;
  } else if (state.calm > 0) next.calm = state.calm - 1;
  else if (ratio < config.grow) limit = state.slowStart ? limit * 1.5 : limit + 1;
  next.limit = clamp(limit);
  next.stale = Math.floor(next.limit) !== Math.floor(state.limit);
  return next;
}
