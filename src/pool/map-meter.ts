import type { PoolMetrics } from '../metrics/pool-metrics.js';
import type { Clock } from '../scheduler/clock.js';
import type { Emitter, SchedulerEvents } from '../scheduler/events.js';
import { outcomeOf } from '../scheduler/outcome.js';
import { type ProgressListener, reportProgress } from '../scheduler/progress.js';

/** The item a lease runs, as the meter tracks it (fields of `Lease`). */
export interface MeteredItem {
  /** Its task id; 0 when none runs or its outcome is already decided. */
  itemId: number;
  /** Ms it waited for a lease. */
  itemWait: number;
  /** When it began, or NaN when its begin was not read (see `ItemMeter`). */
  itemBegan: number;
  /** Its start is counted (an untimed item's is counted once its kind is known). */
  itemCounted: boolean;
}

/** Sync results in a row after which one is timed again: 1 in 16. */
const SAMPLE = 16;

/**
 * How `Pool.map`'s fast path (map-leases.ts) counts its items: each item exactly as
 * `ThreadPool.map` counts its per-item tasks — submitted when pulled, started when it gets
 * a lease (with its wait), settled once with its outcome (`outcomeOf`, the scheduler's own
 * mapping), with `start`/`end`/`error` events carrying a task id of its own. The leases
 * themselves are the pool's internal tasks and are not counted.
 *
 * Timing: reading the clock costs a large share of a whole synchronous item
 * (figures: docs/ARCHITECTURE.md, "Outcomes"), so once a mapper has
 * returned synchronously, only 1 in 16 of the items that follow in a row is timed; the
 * others record the duration last measured, and are handed to the metrics in one batch
 * (`completedMany`), flushed before any read, so counts are exact at every read. Async
 * items, and items that waited for a lease, are always timed (an async item from its first
 * `then` when its begin was not read). With `metrics: false` nothing is timed.
 */
export class ItemMeter {
  readonly #metrics: PoolMetrics;
  readonly #emitter: Emitter<SchedulerEvents>;
  readonly #clock: Clock;
  readonly #name: string | undefined;
  readonly #newId: () => number;
  readonly #timed: boolean;
  /** Sync results in a row; 0 after an async one. */
  #streak = 0;
  /** The last measured run time of a sync item. */
  #lastSync = 0;
  /** Untimed sync items completed and not yet handed to the metrics. */
  #pending = 0;
  #pendingMs = 0;

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
    if (this.#timed && (pulled !== undefined || this.#streak % SAMPLE === 0)) {
      began = this.#clock.now();
      if (pulled !== undefined) waitMs = began - pulled;
    }
    lease.itemId = id;
    lease.itemWait = waitMs;
    lease.itemBegan = began;
    // An untimed item is counted once it ends (sync) or turns async.
    lease.itemCounted = !Number.isNaN(began) || !this.#timed;
    if (lease.itemCounted) this.#metrics.started(waitMs, this.#name);
    if (this.#emitter.has('start')) {
      const e = { id, attempt: 1, waitMs };
      this.#emitter.emit('start', this.#name === undefined ? e : { ...e, name: this.#name });
    }
  }

  /** Item `id` reported progress while it ran. */
  progress(id: number, listener: ProgressListener | undefined, value: unknown): void {
    reportProgress(this.#emitter, listener, id, this.#name, value);
  }

  /** The item's mapper returned a promise: it is timed from now if its begin was not read. */
  async(lease: MeteredItem): void {
    this.#streak = 0;
    if (this.#timed && Number.isNaN(lease.itemBegan)) lease.itemBegan = this.#clock.now();
    this.#count(lease);
  }

  #count(lease: MeteredItem): void {
    if (lease.itemCounted) return;
    lease.itemCounted = true;
    this.#metrics.started(0, this.#name);
  }

  /** The item's work ended (`sync`: its mapper returned a value): its run, and its outcome unless decided. */
  end(lease: MeteredItem, ok: boolean, value: unknown, sync: boolean): void {
    let runMs = this.#lastSync;
    if (!Number.isNaN(lease.itemBegan)) {
      runMs = this.#clock.now() - lease.itemBegan;
      if (sync) this.#lastSync = runMs;
    }
    if (sync) this.#streak++;
    if (ok && !lease.itemCounted && lease.itemId !== 0) {
      // The common case on the fast path: batched (see the class comment).
      if (this.#pending > 0 && this.#pendingMs !== runMs) this.flush();
      if (this.#pending === 0) this.#metrics.defer(this);
      this.#pending++;
      this.#pendingMs = runMs;
      lease.itemCounted = true;
      this.#events(lease.itemId, true, value);
      lease.itemId = 0;
      return;
    }
    this.#count(lease);
    this.#metrics.ran(runMs, this.#name);
    if (lease.itemId !== 0) this.#settle(lease.itemId, ok, value, lease.itemWait + runMs);
    lease.itemId = 0;
  }

  /** The map stopped while the item ran: it is cancelled now (its work may end later). */
  cancel(lease: MeteredItem, reason: unknown): void {
    if (lease.itemId === 0) return;
    this.#count(lease);
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

  /** Hands the batched items to the metrics. */
  flush(): void {
    const n = this.#pending;
    if (n === 0) return;
    this.#pending = 0;
    const ms = this.#pendingMs;
    this.#metrics.completedMany(n, 0, ms, ms, this.#name);
  }

  #settle(id: number, ok: boolean, value: unknown, totalMs: number): void {
    this.#metrics.settled(outcomeOf(ok, value), this.#name, totalMs);
    this.#events(id, ok, value);
  }

  #events(id: number, ok: boolean, value: unknown): void {
    const events = this.#emitter;
    if (!events.has('end')) return;
    const outcome = outcomeOf(ok, value);
    const e = ok ? { id, outcome } : { id, outcome, error: value };
    events.emit('end', this.#name === undefined ? e : { ...e, name: this.#name });
    if (outcome !== 'completed' && events.has('error')) {
      const e = { id, outcome, error: value };
      events.emit('error', this.#name === undefined ? e : { ...e, name: this.#name });
    }
  }
}
