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
  /** Attempts that failed and were tried again. */
  readonly retried: number;
  /** Queued tasks evicted by a drop overflow policy. */
  readonly dropped: number;
  /** Tasks refused because the queue was full. */
  readonly rejected: number;
}

export interface TimingSnapshot {
  /** Time from admission (or re-queueing) to start. */
  readonly waitTime: Percentiles;
  /** Time from start to the end of the work (slot freed). */
  readonly runTime: Percentiles;
  /** Time from admission to the caller's answer, retries included. */
  readonly totalTime: Percentiles;
}

export interface MetricsSnapshot extends Counters, TimingSnapshot {}

/** Per task name (ThreadPool handler, or the `name` task option). */
export interface NameSnapshot
  extends TimingSnapshot,
    Pick<Counters, 'started' | 'completed' | 'failed' | 'cancelled' | 'timedOut' | 'retried'> {}

const emptyPercentiles: Percentiles = Object.freeze({
  count: 0,
  mean: 0,
  p50: 0,
  p95: 0,
  p99: 0,
  max: 0,
});

class Timings {
  readonly wait = new DurationHistogram();
  readonly run = new DurationHistogram();
  readonly total = new DurationHistogram();
  snapshot(): TimingSnapshot {
    return {
      waitTime: this.wait.snapshot(),
      runTime: this.run.snapshot(),
      totalTime: this.total.snapshot(),
    };
  }
}

class NameMetrics {
  started = 0;
  completed = 0;
  failed = 0;
  cancelled = 0;
  timedOut = 0;
  retried = 0;
  readonly timings: Timings | undefined;
  constructor(histograms: boolean) {
    this.timings = histograms ? new Timings() : undefined;
  }
}

/**
 * Counters and wait/run/total histograms of one pool, overall and per task name.
 * `histograms: false` keeps only counters (the cheapest hot path).
 */
export class PoolMetrics implements MetricsSink {
  #c = {
    submitted: 0,
    started: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
    timedOut: 0,
    retried: 0,
    dropped: 0,
    rejected: 0,
  };
  readonly #timings: Timings | undefined;
  readonly #names = new Map<string, NameMetrics>();
  readonly #histograms: boolean;

  constructor(histograms: boolean) {
    this.#histograms = histograms;
    this.#timings = histograms ? new Timings() : undefined;
  }

  #name(name: string): NameMetrics {
    let m = this.#names.get(name);
    if (m === undefined) {
      m = new NameMetrics(this.#histograms);
      this.#names.set(name, m);
    }
    return m;
  }

  submitted(): void {
    this.#c.submitted++;
  }

  started(waitMs: number, name: string | undefined): void {
    this.#c.started++;
    this.#timings?.wait.record(waitMs);
    if (name !== undefined) {
      const m = this.#name(name);
      m.started++;
      m.timings?.wait.record(waitMs);
    }
  }

  settled(outcome: Outcome, name: string | undefined, totalMs: number): void {
    this.#c[outcome]++;
    this.#timings?.total.record(totalMs);
    if (name !== undefined) {
      const m = this.#name(name);
      m[outcome]++;
      m.timings?.total.record(totalMs);
    }
  }

  ran(runMs: number, name: string | undefined): void {
    this.#timings?.run.record(runMs);
    if (name !== undefined) this.#name(name).timings?.run.record(runMs);
  }

  retried(name: string | undefined): void {
    this.#c.retried++;
    if (name !== undefined) this.#name(name).retried++;
  }

  dropped(): void {
    this.#c.dropped++;
  }

  rejected(): void {
    this.#c.rejected++;
  }

  snapshot(): MetricsSnapshot {
    return {
      ...this.#c,
      ...(this.#timings?.snapshot() ?? {
        waitTime: emptyPercentiles,
        runTime: emptyPercentiles,
        totalTime: emptyPercentiles,
      }),
    };
  }

  /** Per-name figures; empty when no task carries a name. */
  byName(): Record<string, NameSnapshot> {
    // No prototype: a task named `__proto__` or `constructor` is just another key.
    const out: Record<string, NameSnapshot> = Object.create(null);
    for (const [name, m] of this.#names) {
      out[name] = {
        started: m.started,
        completed: m.completed,
        failed: m.failed,
        cancelled: m.cancelled,
        timedOut: m.timedOut,
        retried: m.retried,
        ...(m.timings?.snapshot() ?? {
          waitTime: emptyPercentiles,
          runTime: emptyPercentiles,
          totalTime: emptyPercentiles,
        }),
      };
    }
    return out;
  }
}
