import type { MetricsSink, Outcome } from '../types.js';
import { DurationHistogram, emptyPercentiles, type Percentiles } from './histogram.js';

/**
 * Counters since the pool was made, in the one vocabulary of outcomes (docs/ARCHITECTURE.md,
 * "Outcomes"). Every accepted task is `submitted` once and, once settled, is counted in
 * exactly one of `completed`, `failed`, `cancelled`, `timedOut`, `dropped`: their sum is
 * `submitted` minus what is still queued or running. `rejected` tasks were never accepted.
 * `retried` and `killed` count attempts, beside the outcome of their task.
 */
export interface Counters {
  /** Tasks accepted (items of `map`, one each). */
  readonly submitted: number;
  /** Attempts that began. */
  readonly started: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly timedOut: number;
  /** Accepted tasks evicted from a full queue by a drop overflow policy. */
  readonly dropped: number;
  /** Tasks refused at the door because the queue was full (not in `submitted`). */
  readonly rejected: number;
  /** Attempts that failed and were tried again. */
  readonly retried: number;
  /**
   * Attempts whose work was stopped by force: their thread was terminated while they ran
   * (past `killGrace`, or with the pool), or, in-process, they still ran when `terminate()`
   * (or a close deadline) gave up on them. Their task is also counted by its outcome.
   */
  readonly killed: number;
}

/** The counters' names, in the order every report lists them. */
export const counterNames = [
  'submitted',
  'started',
  'completed',
  'failed',
  'cancelled',
  'timedOut',
  'dropped',
  'rejected',
  'retried',
  'killed',
] as const satisfies readonly (keyof Counters)[];

export interface TimingSnapshot {
  /** Time from admission (or re-queueing) to start. */
  readonly waitTime: Percentiles;
  /** Time from start to the end of the work (slot freed). */
  readonly runTime: Percentiles;
  /** Time from admission to the caller's answer, retries included. */
  readonly totalTime: Percentiles;
}

export interface MetricsSnapshot extends Counters, TimingSnapshot {}

/** Per task name (ThreadPool handler, or the `name` task option): the same figures. */
export interface NameSnapshot extends MetricsSnapshot {}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function zero(): Mutable<Counters> {
  return {
    submitted: 0,
    started: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
    timedOut: 0,
    dropped: 0,
    rejected: 0,
    retried: 0,
    killed: 0,
  };
}

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

const noTimings: TimingSnapshot = Object.freeze({
  waitTime: emptyPercentiles,
  runTime: emptyPercentiles,
  totalTime: emptyPercentiles,
});

class Figures {
  readonly c = zero();
  readonly timings: Timings | undefined;
  constructor(histograms: boolean) {
    this.timings = histograms ? new Timings() : undefined;
  }
  snapshot(): MetricsSnapshot {
    return { ...this.c, ...(this.timings?.snapshot() ?? noTimings) };
  }
}

/**
 * Counters and wait/run/total histograms of one pool, overall and per task name.
 * `histograms: false` keeps only counters (the cheapest hot path).
 */
export class PoolMetrics implements MetricsSink {
  readonly #all: Figures;
  readonly #names = new Map<string, Figures>();
  readonly #histograms: boolean;
  /** Sources holding records not yet handed over (`defer`), flushed before any read. */
  readonly #deferred = new Set<{ flush(): void }>();

  constructor(histograms: boolean) {
    this.#histograms = histograms;
    this.#all = new Figures(histograms);
  }

  #name(name: string): Figures {
    let m = this.#names.get(name);
    if (m === undefined) {
      m = new Figures(this.#histograms);
      this.#names.set(name, m);
    }
    return m;
  }

  submitted(name: string | undefined): void {
    this.#all.c.submitted++;
    if (name !== undefined) this.#name(name).c.submitted++;
  }

  started(waitMs: number, name: string | undefined): void {
    this.#all.c.started++;
    this.#all.timings?.wait.record(waitMs);
    if (name !== undefined) {
      const m = this.#name(name);
      m.c.started++;
      m.timings?.wait.record(waitMs);
    }
  }

  settled(outcome: Outcome, name: string | undefined, totalMs: number): void {
    this.#all.c[outcome]++;
    this.#all.timings?.total.record(totalMs);
    if (name !== undefined) {
      const m = this.#name(name);
      m.c[outcome]++;
      m.timings?.total.record(totalMs);
    }
  }

  ran(runMs: number, name: string | undefined): void {
    this.#all.timings?.run.record(runMs);
    if (name !== undefined) this.#name(name).timings?.run.record(runMs);
  }

  retried(name: string | undefined): void {
    this.#all.c.retried++;
    if (name !== undefined) this.#name(name).c.retried++;
  }

  rejected(name: string | undefined): void {
    this.#all.c.rejected++;
    if (name !== undefined) this.#name(name).c.rejected++;
  }

  killed(name: string | undefined): void {
    this.#all.c.killed++;
    if (name !== undefined) this.#name(name).c.killed++;
  }

  /** `n` tasks that each started after `waitMs`: what `started` n times would record. */
  startedMany(n: number, waitMs: number, name?: string): void {
    for (const f of name === undefined ? [this.#all] : [this.#all, this.#name(name)]) {
      f.c.started += n;
      f.timings?.wait.recordMany(waitMs, n);
    }
  }

  /**
   * `n` started tasks that each ran `runMs` and completed `totalMs` after admission: what
   * `ran` and `settled('completed')` n times would record.
   */
  completedMany(n: number, runMs: number, totalMs: number, name?: string): void {
    for (const f of name === undefined ? [this.#all] : [this.#all, this.#name(name)]) {
      f.c.completed += n;
      const t = f.timings;
      if (t !== undefined) {
        t.run.recordMany(runMs, n);
        t.total.recordMany(totalMs, n);
      }
    }
  }

  /**
   * `source` holds records it will hand over in a batch (`startedMany`, `completedMany`): its `flush` is
   * called before the next read of these figures, so every read is exact.
   */
  defer(source: { flush(): void }): void {
    this.#deferred.add(source);
  }

  #flush(): void {
    if (this.#deferred.size === 0) return;
    const sources = [...this.#deferred];
    this.#deferred.clear();
    for (const s of sources) s.flush();
  }

  /** The counters alone (no percentiles computed). */
  counters(): Counters {
    this.#flush();
    return { ...this.#all.c };
  }

  snapshot(): MetricsSnapshot {
    this.#flush();
    return this.#all.snapshot();
  }

  /** Per-name figures; empty when no task carries a name. */
  byName(): Record<string, NameSnapshot> {
    this.#flush();
    // No prototype: a task named `__proto__` or `constructor` is just another key.
    const out: Record<string, NameSnapshot> = Object.create(null);
    for (const [name, m] of this.#names) out[name] = m.snapshot();
    return out;
  }
}
