import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { Percentiles } from '../index.js';
import { DurationHistogram } from '../metrics/histogram.js';

const HIGHEST_US = 3_600_000_000;
const empty: Percentiles = Object.freeze({ count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 });

/**
 * Durations in ms, kept twice: since the start (for Prometheus: percentiles, exact sum and
 * fixed buckets, the pool's own `DurationHistogram`) and since the last `tick()` (for the
 * dashboard's per-second figures). Node's native HdrHistogram, 2 significant digits.
 */
export class Latency {
  readonly #total = new DurationHistogram();
  readonly #window: RecordableHistogram = createHistogram({
    lowest: 1,
    highest: HIGHEST_US,
    figures: 2,
  });

  record(ms: number): void {
    this.#total.record(ms);
    const us = Math.round(ms * 1000);
    this.#window.record(Math.min(Math.max(us, 1), HIGHEST_US));
  }

  /** Since the start, with the exact `sum` and the `buckets`. */
  total(): Percentiles {
    return this.#total.snapshot();
  }

  /** Since the last call, then starts a new window. */
  tick(): Percentiles {
    const out = percentiles(this.#window);
    this.#window.reset();
    return out;
  }
}

function percentiles(h: RecordableHistogram): Percentiles {
  const count = h.count;
  if (count === 0) return empty;
  return {
    count,
    mean: h.mean / 1000,
    p50: h.percentile(50) / 1000,
    p95: h.percentile(95) / 1000,
    p99: h.percentile(99) / 1000,
    max: h.max / 1000,
  };
}

/**
 * Mean of recent samples: an exponentially weighted moving average (each new sample
 * weighs `alpha`), so the prediction follows a workload that changes within seconds.
 */
export class RecentMean {
  #value = 0;
  #samples = 0;
  readonly #alpha: number;

  constructor(alpha = 0.1) {
    this.#alpha = alpha;
  }

  add(sample: number): void {
    // The first samples weigh 1/n until n reaches 1/alpha, so one early outlier fades fast.
    this.#samples++;
    const w = Math.max(this.#alpha, 1 / this.#samples);
    this.#value += w * (sample - this.#value);
  }

  /** `undefined` before the first sample. */
  get value(): number | undefined {
    return this.#samples === 0 ? undefined : this.#value;
  }
}
