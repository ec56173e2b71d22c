import type { Percentiles, ThreadPool } from '../index.js';
import type { OutcomeCounts, Tracker } from './tracker.js';

/** Latency percentiles in ms over one sample's window; `null` when nothing finished in it. */
export interface LatencyFigures {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

export interface TaskSample extends LatencyFigures {
  /** Completed per second over the window. */
  readonly throughput: number;
  /** Failed and timed out per second. */
  readonly errors: number;
  /** Refused (503) per second. */
  readonly rejected: number;
  /** Completed since the server started. */
  readonly completed: number;
}

/** One dashboard point: what `/events` sends each `sampleInterval`. */
export interface Snapshot extends TaskSample {
  /** Epoch ms. */
  readonly t: number;
  readonly queued: number;
  readonly running: number;
  readonly threads: number;
  readonly maxThreads: number;
  readonly healthy: boolean;
  readonly error?: string;
  readonly totals: OutcomeCounts;
  readonly tasks: Readonly<Record<string, TaskSample>>;
}

/**
 * Samples the pool and the server's figures every `interval` ms into a bounded history,
 * and hands each sample to subscribers (the SSE streams). One sampler for all clients, so
 * a hundred open dashboards cost what one does.
 */
export class Sampler {
  readonly #pool: Pick<ThreadPool, 'stats'>;
  readonly #tracker: Tracker;
  readonly #interval: number;
  readonly #size: number;
  readonly #history: Snapshot[] = [];
  readonly #subscribers = new Set<(s: Snapshot) => void>();
  #timer: NodeJS.Timeout | undefined;
  #last: number;

  constructor(pool: Pick<ThreadPool, 'stats'>, tracker: Tracker, interval: number, size: number) {
    this.#pool = pool;
    this.#tracker = tracker;
    this.#interval = interval;
    this.#size = size;
    this.#last = performance.now();
  }

  start(): void {
    this.#timer ??= setInterval(() => this.sample(), this.#interval).unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#subscribers.clear();
  }

  /** Oldest first. */
  history(): readonly Snapshot[] {
    return this.#history;
  }

  subscribe(fn: (s: Snapshot) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  /** Takes a sample now (the timer calls it; tests may too). */
  sample(): Snapshot {
    const now = performance.now();
    const seconds = Math.max(0.001, (now - this.#last) / 1000);
    this.#last = now;
    const stats = this.#pool.stats();
    const window = this.#tracker.tick();
    const totals = this.#tracker.totals();
    const byName = this.#tracker.tasks();
    const tasks: Record<string, TaskSample> = {};
    for (const [name, w] of window.tasks) {
      // defineProperty: a task name is data, never a prototype setter.
      Object.defineProperty(tasks, name, {
        value: figures(w.counts, w.latency, seconds, byName.get(name)?.completed ?? 0),
        enumerable: true,
      });
    }
    const snapshot: Snapshot = {
      t: Date.now(),
      queued: stats.queued,
      running: stats.running,
      threads: stats.workers,
      maxThreads: stats.concurrency.max,
      healthy: stats.healthy,
      ...(stats.error === undefined ? {} : { error: stats.error }),
      ...figures(window.counts, window.latency, seconds, totals.completed),
      totals: {
        completed: totals.completed,
        failed: totals.failed,
        timedOut: totals.timedOut,
        cancelled: totals.cancelled,
        rejected: totals.rejected,
      },
      tasks,
    };
    this.#history.push(snapshot);
    if (this.#history.length > this.#size) this.#history.shift();
    for (const fn of this.#subscribers) fn(snapshot);
    return snapshot;
  }
}

function figures(
  counts: OutcomeCounts,
  latency: Percentiles,
  seconds: number,
  completed: number,
): TaskSample {
  const round = (n: number): number => Math.round(n * 100) / 100;
  return {
    throughput: round(counts.completed / seconds),
    errors: round((counts.failed + counts.timedOut) / seconds),
    rejected: round(counts.rejected / seconds),
    p50: latency.count === 0 ? null : round(latency.p50),
    p95: latency.count === 0 ? null : round(latency.p95),
    p99: latency.count === 0 ? null : round(latency.p99),
    completed,
  };
}
