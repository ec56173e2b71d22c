/**
 * Self-tuning concurrency from measured latency, in the gradient family (Netflix
 * concurrency-limits' Gradient2, Envoy's adaptive concurrency filter): compare a short-term
 * latency average with a long-term baseline; while they agree, grow the limit by a small
 * queue allowance (sqrt(limit)); when short-term latency rises past `tolerance` times the
 * baseline, the backend is queueing internally, so shrink in proportion. Pure functions of
 * state, so the policy is tested without time or load.
 */

export interface AdaptiveState {
  /** Current limit (fractional; the scheduler uses floor, at least `min`). */
  readonly limit: number;
  /** Short-term latency average (EWMA over ~`shortWindow` samples). */
  readonly shortRtt: number;
  /** Long-term baseline (EWMA over ~`longWindow` samples). */
  readonly longRtt: number;
  readonly samples: number;
}

export interface AdaptiveConfig {
  readonly min: number;
  readonly max: number;
  /** How far above the baseline short-term latency may rise before the limit shrinks. @default 1.5 */
  readonly tolerance: number;
  readonly shortWindow: number;
  readonly longWindow: number;
  /** Weight of each new limit estimate. @default 0.2 */
  readonly smoothing: number;
}

export const adaptiveDefaults = Object.freeze({
  tolerance: 1.5,
  shortWindow: 10,
  longWindow: 500,
  smoothing: 0.2,
});

export function initialAdaptive(config: Pick<AdaptiveConfig, 'min' | 'max'>): AdaptiveState {
  return {
    limit: Math.max(config.min, Math.min(config.max, 4)),
    shortRtt: 0,
    longRtt: 0,
    samples: 0,
  };
}

/** The state after one task took `rtt` ms with `inflight` tasks running when it ended. */
export function adapt(
  state: AdaptiveState,
  rtt: number,
  inflight: number,
  config: AdaptiveConfig,
): AdaptiveState {
  const samples = state.samples + 1;
  if (state.samples === 0) return { limit: state.limit, shortRtt: rtt, longRtt: rtt, samples };
  const shortRtt = ewma(state.shortRtt, rtt, config.shortWindow);
  let longRtt = ewma(state.longRtt, rtt, config.longWindow);
  // A baseline far above the present means the load fell: let the baseline catch up.
  if (longRtt > 2 * shortRtt) longRtt = ewma(longRtt, shortRtt, config.shortWindow);
  // Too few tasks to probe the limit: learn latency, but do not grow (application-limited).
  if (inflight < state.limit / 2) return { limit: state.limit, shortRtt, longRtt, samples };
  const gradient = Math.max(0.5, Math.min(1, (config.tolerance * longRtt) / shortRtt));
  const estimate = state.limit * gradient + Math.sqrt(state.limit);
  const next = state.limit * (1 - config.smoothing) + estimate * config.smoothing;
  return { limit: Math.max(config.min, Math.min(config.max, next)), shortRtt, longRtt, samples };
}

function ewma(average: number, sample: number, window: number): number {
  return average + (sample - average) / window;
}
