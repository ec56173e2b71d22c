import * as hdr from 'hdr-histogram-js';

/** Percentiles of a duration distribution, in milliseconds. */
export interface Percentiles {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * A duration histogram (HdrHistogram, 2 significant digits, 1 µs to 1 hour), recording in
 * microseconds and reporting in milliseconds.
 */
export class DurationHistogram {
  #h = hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 2,
    autoResize: false,
  });

  record(ms: number): void {
    const us = Math.round(ms * 1000);
    this.#h.recordValue(us < 1 ? 1 : us > 3_600_000_000 ? 3_600_000_000 : us);
  }

  reset(): void {
    this.#h.reset();
  }

  snapshot(): Percentiles {
    const h = this.#h;
    const count = h.totalCount;
    if (count === 0) return { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
    return {
      count,
      mean: h.mean / 1000,
      p50: h.getValueAtPercentile(50) / 1000,
      p95: h.getValueAtPercentile(95) / 1000,
      p99: h.getValueAtPercentile(99) / 1000,
      max: h.maxValue / 1000,
    };
  }
}
