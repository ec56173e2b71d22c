import type { Percentiles, PoolEvents, ThreadPool } from '../index.js';
import { Latency, RecentMean } from './latency.js';

/** How an HTTP task request ended. `rejected`: refused before queueing (503). */
export type RequestOutcome = 'completed' | 'failed' | 'timedOut' | 'cancelled' | 'rejected';

export const outcomes: readonly RequestOutcome[] = [
  'completed',
  'failed',
  'timedOut',
  'cancelled',
  'rejected',
];

export type OutcomeCounts = Record<RequestOutcome, number>;

/** One task name's figures: request outcomes and end-to-end latency (queue + run), in ms. */
export interface TaskFigures extends OutcomeCounts {
  readonly latency: Percentiles;
}

/** Figures over one sampling window. */
export interface WindowFigures {
  readonly counts: OutcomeCounts;
  readonly latency: Percentiles;
  readonly tasks: ReadonlyMap<
    string,
    { readonly counts: OutcomeCounts; readonly latency: Percentiles }
  >;
}

/** Most distinct task names tracked; a module with more is unusual, and labels must stay bounded. */
const MAX_NAMES = 256;

class Figures {
  readonly total = zero();
  window = zero();
  readonly latency = new Latency();

  record(outcome: RequestOutcome, ms: number | undefined): void {
    this.total[outcome]++;
    this.window[outcome]++;
    if (ms !== undefined) this.latency.record(ms);
  }

  tick(): { counts: OutcomeCounts; latency: Percentiles } {
    const counts = this.window;
    this.window = zero();
    return { counts, latency: this.latency.tick() };
  }
}

function zero(): OutcomeCounts {
  return { completed: 0, failed: 0, timedOut: 0, cancelled: 0, rejected: 0 };
}

/**
 * What the server knows beyond `pool.stats()`, kept cheap enough to consult on every
 * request (`stats()` computes percentiles and per-thread figures): tasks it queued and
 * has not seen start, tasks running (from the pool's `start`/`end` events), a recent mean
 * of run times for predicting waits, and per-name outcome counts and latencies.
 */
export class Tracker {
  readonly #pool: Pick<ThreadPool, 'on' | 'off'>;
  readonly #now: () => number;
  /** Started and not ended. */
  readonly #running = new Set<number>();
  /** Accepted by this server and not started. */
  readonly #queued = new Set<number>();
  /** Highest id seen starting: ids grow, so a task accepted with an id at most this has started. */
  #lastStarted = 0;
  /** Time between task ends while the pool stayed busy. */
  readonly #interval = new RecentMean();
  #lastEnd: number | undefined;
  #busy = false;
  readonly #all = new Figures();
  readonly #names = new Map<string, Figures>();

  readonly #onStart = (e: PoolEvents['start']): void => {
    this.#queued.delete(e.id);
    if (e.id > this.#lastStarted) this.#lastStarted = e.id;
    this.#running.add(e.id);
  };

  readonly #onEnd = (e: PoolEvents['end']): void => {
    this.#queued.delete(e.id);
    // Only tasks that ran free a slot: one cancelled in the queue says nothing of the pace.
    if (!this.#running.delete(e.id)) return;
    const now = this.#now();
    if (this.#busy && this.#lastEnd !== undefined) this.#interval.add(now - this.#lastEnd);
    this.#lastEnd = now;
    this.#busy = this.#queued.size + this.#running.size > 0;
  };

  constructor(pool: Pick<ThreadPool, 'on' | 'off'>, now: () => number) {
    this.#pool = pool;
    this.#now = now;
    pool.on('start', this.#onStart);
    pool.on('end', this.#onEnd);
  }

  /**
   * A task this server handed to the pool. The pool may have started (even ended) it
   * before `trySubmit` returned, firing its events first.
   */
  accepted(id: number): void {
    if (id > this.#lastStarted) this.#queued.add(id);
  }

  get queued(): number {
    return this.#queued.size;
  }

  get running(): number {
    return this.#running.size;
  }

  /** Accepted by this server or started, and not ended. */
  get inSystem(): number {
    return this.#queued.size + this.#running.size;
  }

  /**
   * Recent mean time between task ends while the pool was busy, in ms (`undefined` until
   * measured). Measured at the ends, not from `start` events: a thread that prefetches
   * tasks reports their begin late, with their results.
   */
  get intervalMs(): number | undefined {
    return this.#interval.value;
  }

  /** Counts a request. `name` only for a handler the module has (never an unknown one). */
  record(name: string | undefined, outcome: RequestOutcome, ms?: number): void {
    this.#all.record(outcome, ms);
    if (name === undefined) return;
    let figures = this.#names.get(name);
    if (figures === undefined) {
      if (this.#names.size >= MAX_NAMES) return;
      figures = new Figures();
      this.#names.set(name, figures);
    }
    figures.record(outcome, ms);
  }

  /** Totals per task name, since the server started. */
  tasks(): Map<string, TaskFigures> {
    const out = new Map<string, TaskFigures>();
    for (const [name, f] of this.#names) out.set(name, { ...f.total, latency: f.latency.total() });
    return out;
  }

  totals(): TaskFigures {
    return { ...this.#all.total, latency: this.#all.latency.total() };
  }

  /** Figures since the previous call. */
  tick(): WindowFigures {
    const all = this.#all.tick();
    const tasks = new Map<string, { counts: OutcomeCounts; latency: Percentiles }>();
    for (const [name, f] of this.#names) tasks.set(name, f.tick());
    return { counts: all.counts, latency: all.latency, tasks };
  }

  dispose(): void {
    this.#pool.off('start', this.#onStart);
    this.#pool.off('end', this.#onEnd);
  }
}
