import { PoolClosedError, QueueFullError, TaskCancelledError, TaskTimeoutError } from '../errors.js';
import { PriorityQueue } from '../queue/priority.js';
import type { TaskQueue } from '../queue/types.js';
import type { Executor, ExecutorHooks, Health, MetricsSink, Outcome } from '../types.js';
import { Emitter } from './events.js';
import { normalizeConcurrency, type NormalizedSchedulerOptions, type NormalizedTaskOptions } from './options.js';
import { demand, growTarget, shrinkTarget } from './sizing.js';
import { DONE, type FinishTarget, QUEUED, RUNNING, type Sink, TaskRecord } from './task.js';

export interface SchedulerEvents {
  /** A task started (attempt counts retries). */
  start: { readonly id: number; readonly attempt: number; readonly waitMs: number };
  /** A task's outcome was decided. */
  end: { readonly id: number; readonly outcome: Outcome; readonly error?: unknown };
  /** Nothing queued and nothing running. */
  idle: undefined;
  /** The queue became empty (work may still run). */
  drain: undefined;
  /** The number of workers changed. */
  resize: { readonly workers: number };
  /** The executor became unhealthy or recovered. */
  health: Health;
}

/** What `close()` and `terminate()` resolve with: totals over the pool's life. */
export interface CloseReport {
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly timedOut: number;
}

interface Waiter<P> {
  readonly payload: P;
  readonly options: NormalizedTaskOptions;
  readonly sink: Sink;
  readonly callback: boolean;
  readonly resolve: (record: TaskRecord<P>) => void;
  readonly reject: (error: unknown) => void;
  cleanup: (() => void) | undefined;
}


const noop = (): void => {};

/**
 * The one scheduler behind every pool: admission and back-pressure, dispatch order,
 * deadlines, cancellation, sizing and shutdown. It drives an Executor (mechanism) and
 * feeds a MetricsSink; it never runs a task itself.
 *
 * Invariants it keeps (DESIGN.md): every accepted record settles exactly once (`settled`);
 * it starts a record only while `executor.free > 0`; `close()` resolves only once every
 * accepted record has settled.
 */
export class Scheduler<P> implements FinishTarget<P>, ExecutorHooks {
  readonly events = new Emitter<SchedulerEvents>();
  readonly #executor: Executor<P>;
  readonly #metrics: MetricsSink;
  readonly #o: NormalizedSchedulerOptions;
  readonly #queue: TaskQueue<TaskRecord<P>>;
  #min: number;
  #max: number;
  #nextId = 1;
  #paused = false;
  #closed = false;
  #dispatching = false;
  #dispatchScheduled = false;
  #waiters: Waiter<P>[] = [];
  #idleWaiters: (() => void)[] = [];
  #closeWaiters: (() => void)[] = [];
  #health: Health = { healthy: true };
  #counts = { completed: 0, failed: 0, cancelled: 0, timedOut: 0 };
  /** Highest demand (in workers) seen in the current idle window. */
  #peakDemand = 0;
  #idleTimer: unknown;
  /** For edge-triggered `idle` and `drain` events. */
  #idle = true;
  #queueWasEmpty = true;
  /** A clock reading from `finished`, reusable by the next start in the same dispatch pass. */
  #stamp = 0;
  #stampFresh = false;
  /** Callers' promises told to reject that have not rejected yet. */
  #rejecting = 0;
  /** Records the executor is running (to cancel at terminate, and for close). */
  readonly #active = new Set<TaskRecord<P>>();

  constructor(executor: Executor<P>, options: NormalizedSchedulerOptions, metrics: MetricsSink) {
    this.#executor = executor;
    this.#o = options;
    this.#metrics = metrics;
    this.#min = options.min;
    this.#max = options.max;
    this.#queue = new PriorityQueue<TaskRecord<P>>(options.agingInterval);
    executor.bind?.(this);
    if (options.min > 0) executor.resize(options.min);
  }

  get running(): number {
    return this.#active.size;
  }
  get queued(): number {
    return this.#queue.size;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get health(): Health {
    return this.#health;
  }
  get limits(): { readonly min: number; readonly max: number } {
    return { min: this.#min, max: this.#max };
  }
  get counts(): CloseReport {
    return { ...this.#counts };
  }

  // ---- admission -------------------------------------------------------------------------

  /** Whether a task offered now would be accepted without waiting. */
  hasRoom(): boolean {
    const free = this.#paused ? 0 : this.#max * this.#executor.perWorker - this.#active.size;
    return this.#queue.size < this.#o.maxQueue + Math.max(0, free);
  }

  /**
   * Accepts a task now, or returns an error saying why not (closed, full, unhealthy).
   * `sink` receives the outcome exactly once: a promise's resolve function, or with
   * `callback` an `(ok, value)` function.
   */
  tryAdmit(payload: P, options: NormalizedTaskOptions, sink: Sink, callback = false): TaskRecord<P> | Error {
    const refusal = this.#refusal(options);
    if (refusal !== undefined) return refusal;
    if (this.#waiters.length > 0 || !this.hasRoom()) return new QueueFullError(this.#o.maxQueue);
    return this.#admit(payload, options, sink, callback);
  }

  /**
   * Accepts a task, waiting (FIFO with other waiting producers) while the queue is full:
   * the buffered-channel send. Resolves with the record once accepted.
   */
  admit(payload: P, options: NormalizedTaskOptions, sink: Sink, callback = false): Promise<TaskRecord<P>> {
    const refusal = this.#refusal(options);
    if (refusal !== undefined) return Promise.reject(refusal);
    if (this.#waiters.length === 0 && this.hasRoom()) {
      return Promise.resolve(this.#admit(payload, options, sink, callback));
    }
    return new Promise<TaskRecord<P>>((resolve, reject) => {
      const signal = options.signal;
      const waiter: Waiter<P> = { payload, options, sink, callback, resolve, reject, cleanup: undefined };
      if (signal !== undefined) {
        const onAbort = (): void => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(new TaskCancelledError('Task was cancelled while waiting for queue room', { cause: signal.reason }));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.#waiters.push(waiter);
    });
  }

  #refusal(options: NormalizedTaskOptions): Error | undefined {
    if (this.#closed) return new PoolClosedError();
    if (options.signal?.aborted === true) {
      return new TaskCancelledError('Task was cancelled before it was accepted', { cause: options.signal.reason });
    }
    if (!this.#health.healthy) return this.#health.error;
    return undefined;
  }

  #admit(payload: P, options: NormalizedTaskOptions, sink: Sink, callback: boolean): TaskRecord<P> {
    const record = new TaskRecord<P>(this.#nextId++, payload, options, this, sink, callback);
    this.#metrics.submitted();
    const signal = options.signal;
    if (signal !== undefined) {
      const onAbort = (): void =>
        this.cancel(record, new TaskCancelledError('Task was cancelled by its signal', { cause: signal.reason }));
      signal.addEventListener('abort', onAbort, { once: true });
      record.more.unlisten = () => signal.removeEventListener('abort', onAbort);
    }
    this.#enqueue(record);
    return record;
  }

  #enqueue(record: TaskRecord<P>): void {
    record.state = QUEUED;
    const now = this.#o.clock.now();
    record.since = now;
    // A free worker and nobody ahead: hand over at once (Go's send to a waiting receiver).
    // Inside a dispatch pass the loop picks the task up instead, keeping order.
    if (!this.#paused && !this.#dispatching && this.#queue.size === 0 && this.#executor.free > 0) {
      this.#start(record, now);
      return;
    }
    const queueTimeout = record.options.queueTimeout;
    if (queueTimeout !== Number.POSITIVE_INFINITY) {
      const more = record.more;
      more.timer = this.#o.clock.setTimeout(() => {
        more.timer = undefined;
        this.cancel(record, new TaskTimeoutError(queueTimeout, 'queue'));
      }, queueTimeout);
    }
    this.#queue.push(record);
    this.#queueWasEmpty = false;
    if (!this.#dispatchScheduled) {
      this.#dispatchScheduled = true;
      queueMicrotask(() => {
        this.#dispatchScheduled = false;
        this.#dispatch();
      });
    }
  }

  /** Admits waiting producers while there is room. */
  #admitWaiters(): void {
    while (this.#waiters.length > 0 && this.hasRoom() && !this.#closed) {
      const waiter = this.#waiters.shift() as Waiter<P>;
      waiter.cleanup?.();
      waiter.resolve(this.#admit(waiter.payload, waiter.options, waiter.sink, waiter.callback));
    }
  }

  // ---- dispatch --------------------------------------------------------------------------

  #dispatch(): void {
    if (this.#dispatching) return;
    this.#dispatching = true;
    const executor = this.#executor;
    try {
      for (;;) {
        while (!this.#paused && this.#queue.size > 0) {
          if (executor.free <= 0) {
            this.#grow();
            if (executor.free <= 0) break;
          }
          this.#start(this.#queue.shift() as TaskRecord<P>);
        }
        if (this.#waiters.length === 0 || !this.hasRoom() || this.#closed) break;
        this.#admitWaiters();
      }
    } finally {
      this.#dispatching = false;
      this.#stampFresh = false;
    }
    this.#afterDispatch();
  }

  /** Now, reusing the reading `finished` just took if no task code has run since. */
  #now(): number {
    if (this.#stampFresh) {
      this.#stampFresh = false;
      return this.#stamp;
    }
    return this.#o.clock.now();
  }

  #start(record: TaskRecord<P>, now = this.#now()): void {
    const clock = this.#o.clock;
    const more = record.extra;
    if (more?.timer !== undefined) {
      clock.clearTimeout(more.timer);
      more.timer = undefined;
    }
    record.state = RUNNING;
    this.#idle = false;
    const waitMs = now - record.since;
    record.since = now;
    this.#active.add(record);
    this.#metrics.started(waitMs);
    const timeout = record.options.timeout;
    if (timeout !== Number.POSITIVE_INFINITY) {
      const more = record.more;
      more.timer = clock.setTimeout(() => {
        more.timer = undefined;
        this.#expire(record, timeout);
      }, timeout);
    }
    if (this.events.has('start')) this.events.emit('start', { id: record.id, attempt: record.attempt, waitMs });
    this.#executor.start(record);
  }

  /** The executor reports the work ended: free the slot, settle if still undecided. */
  finished(record: TaskRecord<P>, ok: boolean, value: unknown): void {
    if (record.state !== RUNNING) return;
    record.state = DONE;
    this.#active.delete(record);
    const now = this.#o.clock.now();
    this.#stamp = now;
    this.#stampFresh = true;
    this.#metrics.ran(now - record.since);
    if (!record.settled) this.#settle(record, ok, value);
    this.#dispatch();
  }

  #expire(record: TaskRecord<P>, timeout: number): void {
    if (record.settled) return;
    const error = new TaskTimeoutError(timeout, 'run');
    this.#settle(record, false, error);
    record.abort(error);
    this.#executor.stop(record);
  }

  /** Cancels a task: a queued one leaves the queue, a running one has its signal aborted. */
  cancel(record: TaskRecord<P>, error: Error): void {
    if (record.settled) return;
    if (record.state === QUEUED) {
      this.#queue.remove(record);
      this.#settle(record, false, error);
      this.#dispatch(); // room for waiting producers; maybe idle
    } else {
      this.#settle(record, false, error);
      record.abort(error);
      this.#executor.stop(record);
    }
  }

  #settle(record: TaskRecord<P>, ok: boolean, value: unknown): void {
    record.settled = true;
    const more = record.extra;
    if (more !== undefined) {
      if (more.timer !== undefined) {
        this.#o.clock.clearTimeout(more.timer);
        more.timer = undefined;
      }
      if (more.unlisten !== undefined) {
        more.unlisten();
        more.unlisten = undefined;
      }
    }
    const sink = record.sink;
    record.sink = noop;
    const outcome: Outcome = ok
      ? 'completed'
      : value instanceof TaskTimeoutError
        ? 'timedOut'
        : value instanceof TaskCancelledError || value instanceof PoolClosedError
          ? 'cancelled'
          : 'failed';
    this.#counts[outcome]++;
    this.#metrics.settled(outcome);
    if (this.events.has('end')) {
      this.events.emit('end', ok ? { id: record.id, outcome } : { id: record.id, outcome, error: value });
    }
    if (record.callback) (sink as (ok: boolean, value: unknown) => void)(ok, value);
    else if (ok) (sink as (value: unknown) => void)(value);
    else {
      // The caller's promise adopts a rejected one, so it rejects a few microtasks later.
      // Watching it does two jobs: it marks it handled (a result nobody awaits must not
      // crash the process) and lets close() resolve only after it has really settled. A
      // task that failed at once, inside run(), has no promise yet: watch it before Node
      // looks for unhandled rejections (after the microtask queue drains).
      if (record.promise !== undefined) this.#watchRejection(record.promise);
      else queueMicrotask(() => record.promise !== undefined && this.#watchRejection(record.promise));
      (sink as (value: unknown) => void)(Promise.reject(value));
    }
  }

  #watchRejection(promise: Promise<unknown>): void {
    this.#rejecting++;
    promise.then(undefined, () => {
      this.#rejecting--;
      this.#checkClosed();
    });
  }

  // ---- sizing ----------------------------------------------------------------------------

  #grow(): void {
    const executor = this.#executor;
    const state = {
      workers: executor.workers,
      running: this.#active.size,
      queued: this.#queue.size,
      perWorker: executor.perWorker,
    };
    const target = growTarget(state, { min: this.#min, max: this.#max });
    if (target > executor.workers) {
      executor.resize(target);
      this.events.emit('resize', { workers: executor.workers });
    }
  }

  #afterDispatch(): void {
    const d = demand({ running: this.#active.size, queued: this.#queue.size, perWorker: this.#executor.perWorker });
    if (d > this.#peakDemand) this.#peakDemand = d;
    if (this.#executor.workers > this.#min && this.#idleTimer === undefined && !this.#closed) this.#armIdleTimer();
    if (this.#queue.size === 0 && !this.#queueWasEmpty) {
      this.#queueWasEmpty = true;
      this.events.emit('drain', undefined);
    }
    if (this.#queue.size === 0 && this.#active.size === 0) {
      if (this.#idleWaiters.length > 0) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const w of waiters) w();
      }
      if (!this.#idle) {
        this.#idle = true;
        this.events.emit('idle', undefined);
      }
    }
    this.#checkClosed();
  }

  #armIdleTimer(): void {
    if (this.#o.idleTimeout === Number.POSITIVE_INFINITY) return;
    this.#idleTimer = this.#o.clock.setTimeout(
      () => {
        this.#idleTimer = undefined;
        const executor = this.#executor;
        const now = demand({ running: this.#active.size, queued: this.#queue.size, perWorker: executor.perWorker });
        const target = shrinkTarget(executor.workers, Math.max(this.#peakDemand, now), {
          min: this.#min,
          max: this.#max,
        });
        this.#peakDemand = now;
        if (target < executor.workers) {
          executor.resize(target);
          this.events.emit('resize', { workers: executor.workers });
        }
        if (executor.workers > this.#min && !this.#closed) this.#armIdleTimer();
      },
      this.#o.idleTimeout,
      { unref: true },
    );
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer !== undefined) {
      this.#o.clock.clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    }
  }

  /** Sets new worker limits (validated like the `concurrency` option). */
  resize(concurrency: unknown): void {
    const { min, max } = normalizeConcurrency(concurrency, 'concurrency');
    this.#min = min;
    this.#max = max;
    const executor = this.#executor;
    const target = Math.min(max, Math.max(min, executor.workers));
    if (target !== executor.workers) {
      executor.resize(target);
      this.events.emit('resize', { workers: executor.workers });
    }
    this.#dispatch();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#dispatch();
  }

  // ---- executor hooks --------------------------------------------------------------------

  capacityChanged(): void {
    this.#dispatch();
  }

  unhealthy(error: Error): void {
    this.#health = { healthy: false, error };
    this.events.emit('health', this.#health);
    for (const record of this.#queue.drain()) this.#settle(record, false, error);
    for (const waiter of this.#waiters.splice(0)) {
      waiter.cleanup?.();
      waiter.reject(error);
    }
    this.#afterDispatch();
  }

  healthy(): void {
    if (this.#health.healthy) return;
    this.#health = { healthy: true };
    this.events.emit('health', this.#health);
    this.#dispatch();
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /** Resolves when nothing is queued or running. */
  onIdle(): Promise<void> {
    if (this.#queue.size === 0 && this.#active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Graceful: refuse new work, let accepted work settle, then stop the workers. */
  async close(): Promise<CloseReport> {
    this.#shut(new PoolClosedError('Pool closed before the task was accepted'));
    this.#dispatch();
    await this.#allSettled();
    await this.#executor.close(false);
    return this.counts;
  }

  /** Force: refuse new work, reject queued tasks, cancel running ones, kill the workers. */
  async terminate(reason?: unknown): Promise<CloseReport> {
    const cause = reason === undefined ? undefined : { cause: reason };
    this.#shut(new PoolClosedError('Pool terminated before the task was accepted', cause));
    for (const record of this.#queue.drain()) {
      this.#settle(record, false, new PoolClosedError('Pool terminated before the task started', cause));
    }
    const cancelled = new TaskCancelledError('Pool terminated while the task ran', cause);
    for (const record of [...this.#active]) this.cancel(record, cancelled);
    await this.#executor.close(true);
    this.#afterDispatch();
    await this.#allSettled();
    return this.counts;
  }

  #shut(error: PoolClosedError): void {
    this.#closed = true;
    this.#paused = false;
    this.#clearIdleTimer();
    for (const waiter of this.#waiters.splice(0)) {
      waiter.cleanup?.();
      waiter.reject(error);
    }
  }

  #allSettled(): Promise<void> {
    if (this.#drained()) return Promise.resolve();
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  /**
   * Running tasks whose caller still waits. A timed-out or cancelled in-process function
   * that ignores its signal keeps its slot, but `close()` does not wait for it: its caller
   * already has an answer, and a function that never returns must not hang shutdown.
   */
  #drained(): boolean {
    return this.#queue.size === 0 && this.#rejecting === 0 && this.#unsettledRunning() === 0;
  }

  #unsettledRunning(): number {
    let n = 0;
    for (const record of this.#active) if (!record.settled) n++;
    return n;
  }

  #checkClosed(): void {
    if (this.#closeWaiters.length === 0) return;
    if (!this.#drained()) return;
    const waiters = this.#closeWaiters;
    this.#closeWaiters = [];
    for (const w of waiters) w();
  }
}

export type { TaskRecord };
