import type { MetricsSink, Outcome } from '../types.js';
import { DurationHistogram, type Percentiles } from './histogram.js';

/** Counters since the pool was made. */
export interface Counters {
  readonly submitted: number;
  readonly started: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly timedOut: number;
}

export interface MetricsSnapshot extends Counters {
  /** Time from admission to start. */
  readonly waitTime: Percentiles;
  /** Time from start to the end of the work (slot freed). */
  readonly runTime: Percentiles;
}

/** Counters and wait/run histograms of one pool; `histograms: false` keeps only counters. */
export class PoolMetrics implements MetricsSink {
  #c = { submitted: 0, started: 0, completed: 0, failed: 0, cancelled: 0, timedOut: 0 };
  readonly #wait: DurationHistogram | undefined;
  readonly #run: DurationHistogram | undefined;

  constructor(histograms: boolean) {
    this.#wait = histograms ? new DurationHistogram() : undefined;
    this.#run = histograms ? new DurationHistogram() : undefined;
  }

  submitted(): void {
    this.#c.submitted++;
  }

  started(waitMs: number): void {
    this.#c.started++;
    this.#wait?.record(waitMs);
  }

  settled(outcome: Outcome): void {
    this.#c[outcome]++;
  }

  ran(runMs: number): void {
    this.#run?.record(runMs);
  }

  snapshot(): MetricsSnapshot {
    const empty = { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
    return {
      ...this.#c,
      waitTime: this.#wait?.snapshot() ?? empty,
      runTime: this.#run?.snapshot() ?? empty,
    };
  }
}
