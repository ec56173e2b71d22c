import type { PoolMetrics } from '../metrics/pool-metrics.js';
import type { Clock } from '../scheduler/clock.js';
import type { Emitter, SchedulerEvents } from '../scheduler/events.js';
import { emitOutcome, reportOutcome } from '../scheduler/outcome.js';
import { type ProgressListener, reportProgress } from '../scheduler/progress.js';

/** The item a lease runs, as the meter tracks it (fields of `Lease`). */
export interface MeteredItem {
  /** Its task id; 0 when none runs or its outcome is already decided. */
  itemId: number;
  /** Ms it waited for a lease. */
  itemWait: number;
  /** When it began, or NaN when its begin was not read (see `ItemMeter`). */
  itemBegan: number;
}

/** Items between two timed ones: 1 in 16 is timed. */
const SAMPLE = 16;

/**
 * How `Pool.map`'s fast path (leases.ts) counts its items: each item exactly as
 * `ThreadPool.map` counts its per-item tasks — submitted when pulled, started when it gets
 * a lease (with its wait), settled once with its outcome (`reportOutcome`, the scheduler's own
 * report), with `start`/`end`/`error` events carrying a task id of its own. The leases
 * themselves are the pool's internal tasks and are not counted.
 *
 * Cost: two clock reads and three histogram records would cost more than a whole identity
 * item, sync or async (BENCHMARKS.md, the map cases). So 1 item in
 * 16 is timed, and items that waited for a lease always are; the others record the run
 * time last measured. Starts and completions are handed to the metrics in batches
 * (`startedMany`, `completedMany`) while their figures repeat, and every batch is flushed
 * before any read of the metrics (`defer`), so counts are exact at every read; only the
 * percentiles come from the sample. With `metrics: false` nothing is timed.
 */
export class ItemMeter {
  readonly #metrics: PoolMetrics;
  readonly #emitter: Emitter<SchedulerEvents>;
  readonly #clock: Clock;
  readonly #name: string | undefined;
  readonly #newId: () => number;
  readonly #timed: boolean;
  /** Items begun; every SAMPLE-th is timed. */
  #begun = 0;
  /** The run time last measured. */
  #lastRun = 0;
  #deferred = false;
  /** Starts not yet handed to the metrics, all with the same wait. */
  #starts = 0;
  #startWait = 0;
  /** Completions not yet handed to the metrics, all with the same run and total time. */
  #dones = 0;
  #doneRun = 0;
  #doneTotal = 0;

  constructor(
    metrics: PoolMetrics,
    events: Emitter<SchedulerEvents>,
    clock: Clock,
    name: string | undefined,
    newId: () => number,
    timed: boolean,
  ) {
    this.#metrics = metrics;
    this.#emitter = events;
    this.#clock = clock;
    this.#name = name;
    this.#newId = newId;
    this.#timed = timed;
  }

  /** Now, for an item that must wait for a lease (0 without timings). */
  pulledAt(): number {
    return this.#timed ? this.#clock.now() : 0;
  }

  /** An item was pulled from the source: accepted, like a queued task. */
  submitted(): void {
    this.#metrics.submitted(this.#name);
  }

  /** An item begins on `lease`, pulled at `pulled` (undefined: it did not wait). */
  begin(lease: MeteredItem, pulled: number | undefined): void {
    const id = this.#newId();
    let began = Number.NaN;
    let waitMs = 0;
    if (this.#timed && (pulled !== undefined || this.#begun % SAMPLE === 0)) {
      began = this.#clock.now();
      if (pulled !== undefined) waitMs = began - pulled;
    }
    this.#begun++;
    lease.itemId = id;
    lease.itemWait = waitMs;
    lease.itemBegan = began;
    if (this.#starts > 0 && this.#startWait !== waitMs) this.#flushStarts();
    this.#starts++;
    this.#startWait = waitMs;
    this.#defer();
    if (this.#emitter.has('start')) {
      const e = { id, attempt: 1, waitMs };
      this.#emitter.emit('start', this.#name === undefined ? e : { ...e, name: this.#name });
    }
  }

  /** Item `id` reported progress while it ran. */
  progress(id: number, listener: ProgressListener | undefined, value: unknown): void {
    reportProgress(this.#emitter, listener, id, this.#name, value);
  }

  /** The item's work ended: its run, and its outcome unless decided (cancelled) already. */
  end(lease: MeteredItem, ok: boolean, value: unknown): void {
    let runMs = this.#lastRun;
    if (!Number.isNaN(lease.itemBegan)) {
      runMs = this.#clock.now() - lease.itemBegan;
      this.#lastRun = runMs;
    }
    const id = lease.itemId;
    lease.itemId = 0;
    if (ok && id !== 0) {
      const totalMs = lease.itemWait + runMs;
      if (this.#dones > 0 && (this.#doneRun !== runMs || this.#doneTotal !== totalMs))
        this.#flushDones();
      this.#dones++;
      this.#doneRun = runMs;
      this.#doneTotal = totalMs;
      this.#defer();
      emitOutcome(this.#emitter, id, this.#name, 'completed', value);
      return;
    }
    this.flush();
    this.#metrics.ran(runMs, this.#name);
    if (id !== 0) this.#settle(id, false, value, lease.itemWait + runMs);
  }

  /** The map stopped while the item ran: it is cancelled now (its work may end later). */
  cancel(lease: MeteredItem, reason: unknown): void {
    if (lease.itemId === 0) return;
    this.flush();
    const ran = Number.isNaN(lease.itemBegan) ? 0 : this.#clock.now() - lease.itemBegan;
    this.#settle(lease.itemId, false, reason, lease.itemWait + ran);
    lease.itemId = 0;
  }

  /** An item pulled at `pulled` never got a lease: the map stopped. */
  cancelWaiting(pulled: number, reason: unknown, now: number): void {
    this.#settle(this.#newId(), false, reason, this.#timed ? now - pulled : 0);
  }

  now(): number {
    return this.#timed ? this.#clock.now() : 0;
  }

  /** Hands the batched starts and completions to the metrics. */
  flush(): void {
    this.#deferred = false;
    this.#flushStarts();
    this.#flushDones();
  }

  #defer(): void {
    if (this.#deferred) return;
    this.#deferred = true;
    this.#metrics.defer(this);
  }

  #flushStarts(): void {
    const n = this.#starts;
    if (n === 0) return;
    this.#starts = 0;
    this.#metrics.startedMany(n, this.#startWait, this.#name);
  }

  #flushDones(): void {
    const n = this.#dones;
    if (n === 0) return;
    this.#dones = 0;
    this.#metrics.completedMany(n, this.#doneRun, this.#doneTotal, this.#name);
  }

  #settle(id: number, ok: boolean, value: unknown, totalMs: number): void {
    reportOutcome(this.#metrics, this.#emitter, id, this.#name, ok, value, totalMs);
  }
}
