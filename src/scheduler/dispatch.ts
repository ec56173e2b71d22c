import type { Executor } from '../types.js';
import { ActiveSet } from './active.js';
import { hasRoom } from './admission.js';
import type { Backlog } from './backlog.js';
import type { Clock } from './clock.js';
import type { Emitter, SchedulerEvents } from './events.js';
import type { StartLimits } from './limits.js';
import type { NormalizedTaskOptions } from './options.js';
import type { Producer, Producers } from './producers.js';
import { CloseTracker } from './shutdown.js';
import type { Sizer } from './sizer.js';
import { DISPATCHED, QUEUED, type TaskRecord } from './task.js';
import type { Timers } from './timers.js';

/** The parts of its scheduler that dispatch reads and drives. */
export interface DispatchParts<P> {
  readonly executor: Executor<P>;
  readonly backlog: Backlog<P>;
  readonly sizer: Sizer<P>;
  readonly startLimits: StartLimits;
  readonly producers: Producers<P>;
  readonly events: Emitter<SchedulerEvents>;
  readonly clock: Clock;
  readonly maxQueue: number;
  /** Arms a queued record's queue timeout. */
  readonly timers: Timers<P>;
  /** Accepts the task of a producer that waited for room (admit.ts). */
  readonly admitWaiting: (producer: Producer<P>) => void;
}

/**
 * Queueing and dispatch: an accepted record is handed over at once or waits (`enqueue`);
 * which waiting record starts next, and handing it to the executor. A pass
 * (`pass`) starts records from the backlog while the executor has room (`Executor.free`;
 * the sizer grows the workers first) and the start limits allow (limits.ts), then admits
 * producers waiting for room, and again, until neither can move; then it looks around
 * (`settleDown`: the sizer, the `drain` and `idle` events, `onIdle` and `close()`).
 *
 * It owns the records in the executor's hands (`active`, begun or not, and how many
 * began: `running`), whether dispatch is `paused`, and one clock reading that the next
 * start may reuse while no task code has run since it was taken (`keep`, `now`): the
 * reading `finished` took serves the start it makes room for.
 */
export class Dispatcher<P> {
  /** Records handed to the executor, begun or not (to cancel at terminate, and for close). */
  readonly active = new ActiveSet<TaskRecord<P>>();
  /** Records of `active` that have begun. */
  running = 0;
  /** What close() waits for (shutdown.ts): the backlog and `active`. */
  readonly close: CloseTracker;
  paused = false;
  readonly #executor: Executor<P>;
  readonly #backlog: Backlog<P>;
  readonly #sizer: Sizer<P>;
  readonly #startLimits: StartLimits;
  readonly #producers: Producers<P>;
  readonly #events: Emitter<SchedulerEvents>;
  readonly #clock: Clock;
  readonly #maxQueue: number;
  readonly #timers: Timers<P>;
  readonly #admitWaiting: (producer: Producer<P>) => void;
  /** `startLimits.limited`, copied once: the run/finish path tests it and never calls in otherwise. */
  readonly #limited: boolean;
  #passing = false;
  #scheduled = false;
  /** A clock reading reusable by the next start in this pass (`keep`). */
  #stamp = 0;
  #stampFresh = false;
  /** For edge-triggered `idle` and `drain` events. */
  #idle = true;
  #queueWasEmpty = true;
  #idleWaiters: (() => void)[] = [];

  constructor(parts: DispatchParts<P>) {
    this.#executor = parts.executor;
    this.#backlog = parts.backlog;
    this.#sizer = parts.sizer;
    this.#startLimits = parts.startLimits;
    this.#producers = parts.producers;
    this.#events = parts.events;
    this.#clock = parts.clock;
    this.#maxQueue = parts.maxQueue;
    this.#timers = parts.timers;
    this.#admitWaiting = parts.admitWaiting;
    this.close = new CloseTracker(parts.backlog, this.active);
    this.#limited = parts.startLimits.limited;
  }

  /** Whether start limits beyond free workers apply (rate, adaptive, per-key caps). */
  get limited(): boolean {
    return this.#limited;
  }

  /** Whether a task offered now would be accepted without waiting. */
  hasRoom(): boolean {
    const free = this.paused ? 0 : this.#sizer.max * this.#executor.perWorker - this.active.size;
    return hasRoom(this.#backlog.size, this.#maxQueue, free);
  }

  /**
   * A free worker and nobody ahead: a task offered now is handed over at once (Go's send to
   * a waiting receiver). Inside a pass the loop picks it up instead, keeping order.
   */
  startsAtOnce(options: NormalizedTaskOptions, now: number): boolean {
    return (
      !this.paused &&
      !this.#passing &&
      this.#backlog.size === 0 &&
      this.#executor.free > 0 &&
      (!this.#limited ||
        this.#startLimits.mayStartNow(this.active.size, options.key, now, this.#sizer))
    );
  }

  /**
   * An accepted record (or a retry whose backoff ended), admitted at `now`: handed over at
   * once if it can start, else it waits in the backlog with its queue timeout armed.
   */
  enqueue(record: TaskRecord<P>, now: number): void {
    record.state = QUEUED;
    record.since = now;
    if (this.startsAtOnce(record.options, now)) {
      this.start(record, now);
      return;
    }
    this.#timers.queue(record);
    this.#backlog.push(record);
    this.queued();
  }

  /** Something was queued: the queue is not empty (for `drain`), and a pass will come. */
  queued(): void {
    this.#queueWasEmpty = false;
    this.schedule();
  }

  /** A pass in a microtask (at most one pending). */
  schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.pass();
    });
  }

  /** Starts what can start and admits waiting producers while there is room; then looks around. */
  pass(): void {
    if (this.#passing) return;
    this.#passing = true;
    const producers = this.#producers;
    try {
      for (;;) {
        this.#startWhatCan();
        if (producers.size === 0 || !this.hasRoom()) break;
        while (producers.size > 0 && this.hasRoom()) {
          const producer = producers.shift();
          if (producer !== undefined) this.#admitWaiting(producer);
        }
      }
    } finally {
      this.#passing = false;
      this.#stampFresh = false;
    }
    this.settleDown();
  }

  #startWhatCan(): void {
    const executor = this.#executor;
    const backlog = this.#backlog;
    const sizer = this.#sizer;
    const startLimits = this.#startLimits;
    while (!this.paused && backlog.size > 0) {
      if (executor.free <= 0) {
        sizer.grow(this.active.size, backlog.size);
        if (executor.free <= 0) return;
      }
      let record: TaskRecord<P> | undefined;
      if (this.#limited) {
        // Limits count dispatched records, not begun ones: conservative under prefetch.
        if (this.active.size >= startLimits.cap(sizer)) return;
        if (!startLimits.rateAllows()) return;
      }
      if (!this.#limited || !startLimits.perKey) record = backlog.shift();
      else record = backlog.shift(startLimits.keyEligible);
      if (record === undefined) return; // every waiting key is at its cap
      this.start(record);
    }
  }

  /**
   * Hands a record to the executor (DISPATCHED); `began` follows when it really begins.
   * `now`: the record was admitted and handed over at once, at `now`, which a `began`
   * inside the executor's `start` reuses.
   */
  start(record: TaskRecord<P>, now?: number): void {
    record.state = DISPATCHED;
    this.#idle = false;
    this.active.add(record);
    if (this.#limited) this.#startLimits.started(record.options.key, now);
    if (now === undefined) this.#executor.start(record);
    else {
      this.#stamp = now;
      this.#stampFresh = true;
      this.#executor.start(record);
      this.#stampFresh = false;
    }
  }

  /** Undoes `start`'s bookkeeping: the record left the executor's hands. */
  release(record: TaskRecord<P>): void {
    this.active.delete(record);
    if (this.#limited) this.#startLimits.released(record.options.key);
  }

  /** Now, reusing the reading kept (`keep`) if no task code has run since. */
  now(): number {
    if (this.#stampFresh) {
      this.#stampFresh = false;
      return this.#stamp;
    }
    return this.#clock.now();
  }

  /** Keeps a clock reading for the next `now` (or `reading`) before task code runs again. */
  keep(now: number): void {
    this.#stamp = now;
    this.#stampFresh = true;
  }

  /** The reading kept, if still fresh, without using it up; else the clock. */
  reading(): number {
    return this.#stampFresh ? this.#stamp : this.#clock.now();
  }

  /** Nothing queued, delayed or in the executor's hands. */
  get idle(): boolean {
    const backlog = this.#backlog;
    return backlog.size === 0 && this.active.size === 0 && backlog.delayed === 0;
  }

  /** Resolves when nothing is queued, delayed or running. */
  onIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** After a pass (or a change outside one): sizing, `drain`, `idle`, idle waiters, close. */
  settleDown(): void {
    const events = this.#events;
    const queued = this.#backlog.size;
    this.#sizer.observe(this.active.size, queued);
    if (queued === 0 && !this.#queueWasEmpty) {
      this.#queueWasEmpty = true;
      events.emit('drain', undefined);
    }
    if (this.idle) {
      if (this.#idleWaiters.length > 0) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const w of waiters) w();
      }
      if (!this.#idle) {
        this.#idle = true;
        events.emit('idle', undefined);
      }
    }
    this.close.check();
  }
}
