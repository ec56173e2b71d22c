import {
  PoolClosedError,
  QueueFullError,
  TaskCancelledError,
  TaskDroppedError,
  TaskTimeoutError,
} from '../errors.js';
import type { Executor, ExecutorHooks, Health, MetricsSink } from '../types.js';
import { ActiveSet } from './active.js';
import { hasRoom, refusal, signalError } from './admission.js';
import { Backlog } from './backlog.js';
import { Emitter, type SchedulerEvents } from './events.js';
import { StartLimits } from './limits.js';
import {
  type NormalizedSchedulerOptions,
  type NormalizedTaskOptions,
  normalizeConcurrency,
  noTaskOptions,
} from './options.js';
import { outcomeOf } from './outcome.js';
import { Producers } from './producers.js';
import { reportProgress } from './progress.js';
import { Retries } from './retry.js';
import { annotate } from './retry-policy.js';
import { type CloseOptions, CloseTracker, within } from './shutdown.js';
import { Sizer } from './sizer.js';
import { DELAYED, DISPATCHED, DONE, QUEUED, RUNNING, type Sink, TaskRecord } from './task.js';

export type { CloseOptions, SchedulerEvents };

const noop = (): void => {};

/**
 * The one scheduler behind every pool: admission and back-pressure, dispatch order
 * (priorities, aging, fair share), start limits (rate, adaptive concurrency, per-key caps),
 * deadlines, retries, cancellation, sizing and shutdown. It drives an Executor (mechanism)
 * and feeds a MetricsSink; it never runs a task itself.
 *
 * It keeps the state and the order of events; the policies it applies live apart, as pure
 * functions or small owners of their own state: admission.ts (refusal, room, overflow
 * victim), backlog.ts (the waiting work: queue, given-back and delayed records), limits.ts
 * (rate, adaptive and per-key start limits), retry.ts (backoff, error annotation, the
 * bookkeeping between attempts), shutdown.ts (close types, what close() waits for,
 * deadlines), events.ts (events).
 *
 * Invariants it keeps (DESIGN.md): every accepted record settles exactly once (`settled`);
 * it hands a record to the executor only while `executor.free > 0`; `close()` resolves only
 * once every accepted record has settled.
 *
 * Dispatched is not begun: an executor may accept jobs ahead of the ones it runs (a
 * thread's prefetch) and reports each real begin (`began`). The wait time, the `start`
 * event, the run timeout and `running` count from the begin; the queue timeout runs until
 * then; a dispatched record still counts for close/terminate and can be cancelled.
 */
export class Scheduler<P> implements ExecutorHooks<P> {
  readonly events = new Emitter<SchedulerEvents>();
  readonly #executor: Executor<P>;
  readonly #metrics: MetricsSink;
  readonly #o: NormalizedSchedulerOptions;
  readonly #sizer: Sizer<P>;
  readonly #producers = new Producers<P>();
  readonly #label: (payload: P) => string | undefined;
  /** The accepted work not handed to the executor (backlog.ts). */
  readonly #backlog: Backlog<P>;
  /** Tasks between attempts (retry.ts). */
  readonly #retries: Retries<P>;
  #nextId = 1;
  #paused = false;
  #closed = false;
  #dispatching = false;
  #dispatchScheduled = false;
  #idleWaiters: (() => void)[] = [];
  #health: Health = { healthy: true };
  /** For edge-triggered `idle` and `drain` events. */
  #idle = true;
  #queueWasEmpty = true;
  /** A clock reading from `finished`, reusable by the next start in the same dispatch pass. */
  #stamp = 0;
  #stampFresh = false;
  /** Records handed to the executor, begun or not (to cancel at terminate, and for close). */
  readonly #active = new ActiveSet<TaskRecord<P>>();
  /** Records of `#active` that have begun. */
  #running = 0;
  /** What close() waits for (shutdown.ts). */
  readonly #close: CloseTracker;
  /** Start limits beyond free workers (limits.ts). */
  readonly #startLimits: StartLimits;
  /** `#startLimits.limited`, copied once: the run/finish path tests it and never calls in otherwise. */
  readonly #limited: boolean;

  constructor(
    executor: Executor<P>,
    options: NormalizedSchedulerOptions,
    metrics: MetricsSink,
    label: (payload: P) => string | undefined = () => undefined,
  ) {
    this.#executor = executor;
    this.#o = options;
    this.#metrics = metrics;
    this.#label = label;
    this.#backlog = new Backlog<P>(options);
    this.#close = new CloseTracker(this.#backlog, this.#active);
    this.#retries = new Retries<P>({
      clock: options.clock,
      backlog: this.#backlog,
      metrics,
      events: this.events,
      label,
      requeue: (record) => {
        this.#enqueue(record, options.clock.now());
        this.#dispatch();
      },
    });
    this.#startLimits = new StartLimits(options, () => this.#dispatch());
    this.#limited = this.#startLimits.limited;
    executor.bind(this);
    this.#sizer = new Sizer(executor, options, options.clock, options.idleTimeout, this.events);
  }

  get running(): number {
    return this.#running;
  }
  /** Waiting to begin: queued, plus handed to the executor and not begun (prefetched). */
  get queued(): number {
    return this.#backlog.size + this.#active.size - this.#running;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get closed(): boolean {
    return this.#closed;
  }
  /** Whether starts are rate limited (every task start counts, so no batching of items). */
  get rateLimited(): boolean {
    return this.#startLimits.rated;
  }
  /** Whether a full queue makes producers wait (overflow `'wait'`). */
  get waits(): boolean {
    return this.#o.overflow === 'wait';
  }
  /** A new task id, for work a pool counts as tasks without a record (`Pool.map` items). */
  newId(): number {
    return this.#nextId++;
  }
  get health(): Health {
    return this.#health;
  }
  /** The most workers the pool may have (`limits.max`, without making an object). */
  get maxWorkers(): number {
    return this.#sizer.max;
  }
  /** Worker limits, and the adaptive limit on running tasks when `concurrency: 'auto'`. */
  get limits(): { readonly min: number; readonly max: number; readonly limit?: number } {
    const { min, max } = this.#sizer;
    return this.#startLimits.adaptive
      ? { min, max, limit: this.#startLimits.cap(this.#sizer) }
      : { min, max };
  }
  // ---- admission -------------------------------------------------------------------------

  /** Whether a task offered now would be accepted without waiting. */
  hasRoom(): boolean {
    const free = this.#paused ? 0 : this.#sizer.max * this.#executor.perWorker - this.#active.size;
    return hasRoom(this.#backlog.size, this.#o.maxQueue, free);
  }

  /**
   * Why a task offered now with `options` would be refused whatever the room (the pool is
   * closed or unhealthy, its signal aborted), or undefined: admission's own first check.
   */
  refused(options: NormalizedTaskOptions): Error | undefined {
    return refusal(this.#closed, options.signal, this.#health);
  }

  /**
   * Accepts a task now, or returns an error saying why not (closed, full, unhealthy).
   * `sink` receives the outcome exactly once: a promise's resolve function, or with
   * `callback` an `(ok, value)` function.
   */
  tryAdmit(
    payload: P,
    options: NormalizedTaskOptions,
    sink: Sink,
    callback = false,
    willWait = false,
  ): TaskRecord<P> | Error {
    return (
      this.#refused(payload, options, willWait) ?? this.#admit(payload, options, sink, callback)
    );
  }

  /**
   * `tryAdmit` for a caller that keeps only the promise `resolve` settles (`run`): returns
   * why not, or undefined once accepted. A plain task (no options) that must wait is queued
   * without a record (backlog.ts), ~70 bytes less per queued task.
   */
  tryAdmitPromise(
    payload: P,
    options: NormalizedTaskOptions,
    resolve: (value: unknown) => void,
    promise: Promise<unknown>,
    willWait: boolean,
  ): Error | undefined {
    const refused = this.#refused(payload, options, willWait);
    if (refused !== undefined) return refused;
    if (options === noTaskOptions) {
      const now = this.#o.clock.now();
      if (
        !this.#startsAtOnce(options, now) &&
        this.#backlog.pushPlain(this.#nextId, payload, resolve, promise, now)
      ) {
        this.#nextId++;
        this.#metrics.submitted(this.#label(payload));
        this.#queueWasEmpty = false;
        this.#scheduleDispatch();
        return undefined;
      }
      this.#admit(payload, options, resolve, false, promise, now);
      return undefined;
    }
    this.#admit(payload, options, resolve, false, promise);
    return undefined;
  }

  /** Why a task offered now is refused (closed, cancelled, unhealthy, full), if it is. */
  #refused(payload: P, options: NormalizedTaskOptions, willWait: boolean): Error | undefined {
    const refused = this.refused(options);
    if (refused !== undefined) return refused;
    if ((this.#producers.size > 0 || !this.hasRoom()) && !this.#makeRoom(options)) {
      // A caller that now waits for room (`admit`) is not refused: only a final no counts.
      if (!willWait && options.internal !== true) {
        const name = options.name ?? this.#label(payload);
        this.#metrics.rejected(name);
        if (this.events.has('reject'))
          this.events.emit('reject', name === undefined ? {} : { name });
      }
      return new QueueFullError(this.#o.maxQueue);
    }
    return undefined;
  }

  /**
   * Accepts a task, waiting (FIFO with other waiting producers) while the queue is full:
   * the buffered-channel send. Resolves with the record once accepted. With an overflow
   * policy other than `'wait'` it never waits.
   */
  admit(
    payload: P,
    options: NormalizedTaskOptions,
    sink: Sink,
    callback = false,
  ): Promise<TaskRecord<P>> {
    if (this.#o.overflow !== 'wait') {
      const admitted = this.tryAdmit(payload, options, sink, callback);
      return admitted instanceof Error ? Promise.reject(admitted) : Promise.resolve(admitted);
    }
    const refused = refusal(this.#closed, options.signal, this.#health);
    if (refused !== undefined) return Promise.reject(refused);
    if (this.#producers.size === 0 && this.hasRoom()) {
      return Promise.resolve(this.#admit(payload, options, sink, callback));
    }
    return this.#producers.wait(payload, options, sink, callback);
  }

  /** Drop overflow policies: evict a queued task for a newcomer; false if none should go. */
  #makeRoom(options: NormalizedTaskOptions): boolean {
    const victim = this.#backlog.victim(this.#o.overflow, options.priority);
    if (victim === undefined) return false;
    this.#backlog.remove(victim);
    this.events.emit('drop', { id: victim.id });
    this.#settle(victim, false, new TaskDroppedError());
    return true;
  }

  #admit(
    payload: P,
    options: NormalizedTaskOptions,
    sink: Sink,
    callback: boolean,
    promise?: Promise<unknown>,
    now = this.#o.clock.now(),
  ): TaskRecord<P> {
    const record = new TaskRecord<P>(this.#nextId++, payload, options, sink, callback);
    record.promise = promise;
    if (options.internal !== true) this.#metrics.submitted(options.name ?? this.#label(payload));
    const signal = options.signal;
    if (signal !== undefined) {
      const onAbort = (): void => this.cancel(record, signalError(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
      record.more.unlisten = () => signal.removeEventListener('abort', onAbort);
    }
    this.#enqueue(record, now);
    return record;
  }

  /**
   * A free worker and nobody ahead: a task offered now is handed over at once (Go's send to
   * a waiting receiver). Inside a dispatch pass the loop picks it up instead, keeping order.
   */
  #startsAtOnce(options: NormalizedTaskOptions, now: number): boolean {
    return (
      !this.#paused &&
      !this.#dispatching &&
      this.#backlog.size === 0 &&
      this.#executor.free > 0 &&
      (!this.#limited ||
        this.#startLimits.mayStartNow(this.#active.size, options.key, now, this.#sizer))
    );
  }

  #enqueue(record: TaskRecord<P>, now: number): void {
    record.state = QUEUED;
    record.since = now;
    if (this.#startsAtOnce(record.options, now)) {
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
    this.#backlog.push(record);
    this.#queueWasEmpty = false;
    this.#scheduleDispatch();
  }

  #scheduleDispatch(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    queueMicrotask(() => {
      this.#dispatchScheduled = false;
      this.#dispatch();
    });
  }

  // ---- dispatch --------------------------------------------------------------------------

  #dispatch(): void {
    if (this.#dispatching) return;
    this.#dispatching = true;
    try {
      for (;;) {
        this.#startWhatCan();
        if (this.#producers.size === 0 || !this.hasRoom() || this.#closed) break;
        while (this.#producers.size > 0 && this.hasRoom()) {
          const p = this.#producers.shift();
          if (p !== undefined) p.resolve(this.#admit(p.payload, p.options, p.sink, p.callback));
        }
      }
    } finally {
      this.#dispatching = false;
      this.#stampFresh = false;
    }
    this.#afterDispatch();
  }

  #startWhatCan(): void {
    const executor = this.#executor;
    const backlog = this.#backlog;
    while (!this.#paused && backlog.size > 0) {
      if (executor.free <= 0) {
        this.#sizer.grow(this.#active.size, backlog.size);
        if (executor.free <= 0) return;
      }
      let record: TaskRecord<P> | undefined;
      if (this.#limited) {
        // Limits count dispatched records, not begun ones: conservative under prefetch.
        if (this.#active.size >= this.#startLimits.cap(this.#sizer)) return;
        if (!this.#startLimits.rateAllows()) return;
      }
      if (!this.#limited || !this.#startLimits.perKey) record = backlog.shift();
      else record = backlog.shift(this.#startLimits.keyEligible);
      if (record === undefined) return; // every waiting key is at its cap
      this.#start(record);
    }
  }

  /** Now, reusing the reading `finished` just took if no task code has run since. */
  #now(): number {
    if (this.#stampFresh) {
      this.#stampFresh = false;
      return this.#stamp;
    }
    return this.#o.clock.now();
  }

  /** Hands a record to the executor; `began` follows when it really begins. */
  #start(record: TaskRecord<P>, now?: number): void {
    record.state = DISPATCHED;
    this.#idle = false;
    this.#active.add(record);
    if (this.#limited) this.#startLimits.started(record.options.key, now);
    if (now === undefined) this.#executor.start(record);
    else {
      // Admitted and handed over at once: a `began` inside `start` reuses the admission time.
      this.#stamp = now;
      this.#stampFresh = true;
      this.#executor.start(record);
      this.#stampFresh = false;
    }
  }

  /** The executor reports the record's work began: the queue timeout ends, the run timeout starts. */
  began(record: TaskRecord<P>): void {
    if (record.state !== DISPATCHED) return;
    record.state = RUNNING;
    this.#running++;
    const clock = this.#o.clock;
    const now = this.#now();
    this.#disarm(record); // the queue timeout ends
    // `since` keeps the admission time (for total time); the begin time goes in the active set.
    const waitMs = now - record.since;
    this.#active.setTime(record, now);
    const name = record.options.name ?? this.#label(record.payload);
    const counted = record.options.internal !== true;
    if (counted) this.#metrics.started(waitMs, name);
    const timeout = record.options.timeout;
    if (timeout !== Number.POSITIVE_INFINITY && !record.settled) {
      const more = record.more;
      more.timer = clock.setTimeout(() => {
        more.timer = undefined;
        this.#expire(record, timeout);
      }, timeout);
    }
    if (counted && this.events.has('start')) {
      const e = { id: record.id, attempt: record.attempt, waitMs };
      this.events.emit('start', name === undefined ? e : { ...e, name });
    }
  }

  /** The record's work reported progress: passed on while its outcome is undecided. */
  progress(record: TaskRecord<P>, value: unknown): void {
    if (record.settled || record.options.internal === true) return;
    const name = record.options.name ?? this.#label(record.payload);
    reportProgress(this.events, record.options.onProgress, record.id, name, value);
  }

  /** The executor gives back a record it never began: queue it first, unless settled meanwhile. */
  requeued(record: TaskRecord<P>): void {
    if (record.state !== DISPATCHED) return;
    this.#release(record);
    if (record.settled) record.state = DONE;
    else {
      record.state = QUEUED;
      this.#backlog.giveBack(record);
    }
    this.#scheduleDispatch();
  }

  /** Undoes `#start`'s bookkeeping. */
  #release(record: TaskRecord<P>): void {
    this.#active.delete(record);
    if (this.#limited) this.#startLimits.released(record.options.key);
  }

  /** The executor reports the work ended: free the slot, settle or retry if still undecided. */
  finished(record: TaskRecord<P>, ok: boolean, value: unknown): void {
    if (record.state === DISPATCHED) {
      // Ended without beginning: failed before it was sent, or dropped after a cancel.
      if (!record.settled) this.began(record);
      else {
        this.#release(record);
        record.state = DONE;
        this.#dispatch();
        return;
      }
    }
    if (record.state !== RUNNING) return;
    record.state = DONE;
    this.#running--;
    this.#disarm(record); // the attempt ended: its run timer goes with it
    const beganAt = this.#active.timeOf(record);
    this.#release(record);
    const now = this.#o.clock.now();
    this.#stamp = now;
    this.#stampFresh = true;
    const runMs = now - beganAt;
    if (record.options.internal !== true)
      this.#metrics.ran(runMs, record.options.name ?? this.#label(record.payload));
    if (this.#limited) this.#startLimits.ran(runMs, this.#active.size + 1, this.#sizer);
    const heldRetry = record.extra?.retryDelay;
    if (heldRetry !== undefined) this.#retries.afterStopped(record, heldRetry);
    else if (!record.settled) {
      const delay = ok ? undefined : this.#retries.delayFor(record, value);
      if (delay === undefined) this.#settle(record, ok, value);
      else this.#retries.later(record, delay, value);
    }
    this.#dispatch();
  }

  #expire(record: TaskRecord<P>, timeout: number): void {
    if (record.settled) return;
    const error = new TaskTimeoutError(timeout, 'run');
    const delay = this.#retries.delayFor(record, error);
    if (delay === undefined) this.#settle(record, false, error);
    else this.#retries.holdUntilStopped(record, error, delay); // the limit stays real
    record.abort(error);
    this.#executor.stop(record);
  }

  // ---- settling --------------------------------------------------------------------------

  /** Cancels a task: a queued or delayed one leaves, a running one has its signal aborted. */
  cancel(record: TaskRecord<P>, error: Error): void {
    if (record.settled) return;
    if (record.state === QUEUED || record.state === DELAYED) {
      this.#backlog.remove(record);
      this.#settle(record, false, error);
      this.#dispatch(); // room for waiting producers; maybe idle
    } else {
      this.#retries.forget(record);
      this.#settle(record, false, error);
      record.abort(error);
      this.#executor.stop(record);
    }
  }

  /**
   * Clears the record's timer: the queue timeout, the run timeout or the retry backoff,
   * whichever its state has (one at a time, in `extra.timer`). Called on every way out of
   * the state that set it: begin, end of an attempt, settlement.
   */
  #disarm(record: TaskRecord<P>): void {
    const more = record.extra;
    if (more?.timer === undefined) return;
    this.#o.clock.clearTimeout(more.timer);
    more.timer = undefined;
  }

  /** The one place a task's outcome is decided: at most once per task (invariant 1). */
  #settle(record: TaskRecord<P>, ok: boolean, value: unknown): void {
    if (record.settled) return;
    record.settled = true;
    this.#disarm(record);
    const more = record.extra;
    if (more !== undefined) {
      if (more.unlisten !== undefined) {
        more.unlisten();
        more.unlisten = undefined;
      }
      if (!ok && more.errors !== undefined) annotate(value, more.attempt, more.errors);
    }
    const sink = record.sink;
    record.sink = noop;
    const outcome = outcomeOf(ok, value);
    const name = record.options.name ?? this.#label(record.payload);
    const counted = record.options.internal !== true;
    if (counted) {
      // Inside `finished`, the clock was just read: reuse it (one read fewer per task).
      const now = this.#stampFresh ? this.#stamp : this.#o.clock.now();
      this.#metrics.settled(outcome, name, now - (record.extra?.admittedAt ?? record.since));
    }
    if (counted && this.events.has('end')) {
      const e = ok ? { id: record.id, outcome } : { id: record.id, outcome, error: value };
      this.events.emit('end', name === undefined ? e : { ...e, name });
    }
    if (counted && outcome !== 'completed' && this.events.has('error')) {
      const e = { id: record.id, outcome, error: value };
      this.events.emit('error', name === undefined ? e : { ...e, name });
    }
    if (record.callback) (sink as (ok: boolean, value: unknown) => void)(ok, value);
    else if (ok) (sink as (value: unknown) => void)(value);
    else {
      this.#close.watch(record); // handled, and held by close() until it rejects
      (sink as (value: unknown) => void)(Promise.reject(value));
    }
  }

  #afterDispatch(): void {
    const queued = this.#backlog.size;
    this.#sizer.observe(this.#active.size, queued);
    if (queued === 0 && !this.#queueWasEmpty) {
      this.#queueWasEmpty = true;
      this.events.emit('drain', undefined);
    }
    if (queued === 0 && this.#active.size === 0 && this.#backlog.delayed === 0) {
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
    this.#close.check();
  }

  // ---- control ---------------------------------------------------------------------------

  /** Sets new worker limits (validated like the `concurrency` option). */
  resize(concurrency: unknown): void {
    const { min, max, adaptive } = normalizeConcurrency(concurrency, 'concurrency');
    this.#sizer.setLimits(min, max);
    if (adaptive) this.#startLimits.enableAdaptive({ min, max });
    this.#dispatch();
  }

  pause(): void {
    this.#paused = true;
    // Jobs an executor accepted ahead of running them must not begin while paused either.
    this.#executor.recall?.();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#dispatch();
  }

  capacityChanged(): void {
    this.#dispatch();
  }

  unhealthy(error: Error): void {
    this.#health = { healthy: false, error };
    this.events.emit('health', this.#health);
    for (const record of this.#backlog.takeQueued()) this.#settle(record, false, error);
    this.#producers.rejectAll(error);
    this.#afterDispatch();
  }

  healthy(): void {
    if (this.#health.healthy) return;
    this.#health = { healthy: true };
    this.events.emit('health', this.#health);
    this.#dispatch();
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /** Resolves when nothing is queued, delayed or running. */
  onIdle(): Promise<void> {
    if (this.#backlog.size === 0 && this.#active.size === 0 && this.#backlog.delayed === 0)
      return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Graceful: refuse new work, let accepted work settle, then stop the workers. With a
   * `timeout`: drain until then, then cancel what waits and abort what runs, then kill what
   * still runs after `grace`.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    this.#shut(new PoolClosedError('Pool closed before the task was accepted'));
    this.#dispatch();
    const timeout = options.timeout ?? Number.POSITIVE_INFINITY;
    if (timeout === Number.POSITIVE_INFINITY) {
      await this.#close.settled();
      await this.#executor.close();
      return;
    }
    const drained = await within(this.#o.clock, this.#close.settled(), timeout);
    if (drained) {
      await this.#executor.close();
      return;
    }
    this.#abortAll(new TaskCancelledError('Pool close deadline passed'));
    await within(this.#o.clock, this.#allStopped(), options.grace ?? 1000);
    return this.#kill();
  }

  /** Force: refuse new work, reject queued tasks, cancel running ones, kill the workers. */
  async terminate(reason?: unknown): Promise<void> {
    const cause = reason === undefined ? undefined : { cause: reason };
    this.#retries.stop();
    this.#shut(new PoolClosedError('Pool terminated before the task was accepted', cause));
    this.#abortAll(new TaskCancelledError('Pool terminated while the task ran', cause));
    return this.#kill();
  }

  #shut(error: PoolClosedError): void {
    this.#closed = true;
    this.#paused = false;
    this.#sizer.stop();
    this.#producers.rejectAll(error);
  }

  /** Settles everything accepted: waiting tasks reject, running ones are cancelled. */
  #abortAll(cancelled: TaskCancelledError): void {
    this.#retries.stop();
    const cause = cancelled.cause === undefined ? undefined : { cause: cancelled.cause };
    for (const record of this.#backlog.takeQueued()) {
      this.#settle(
        record,
        false,
        new PoolClosedError('Pool stopped before the task started', cause),
      );
    }
    for (const record of this.#backlog.delayedRecords()) this.cancel(record, cancelled);
    for (const record of this.#active.snapshot()) this.cancel(record, cancelled);
  }

  async #kill(): Promise<void> {
    this.#startLimits.stop();
    await this.#executor.close();
    // Threads report what they killed (`killed`); work still running now cannot be stopped
    // (in-process): it is abandoned, and counted as killed too.
    for (const record of this.#active.snapshot()) if (record.state === RUNNING) this.killed(record);
    this.#afterDispatch();
    await this.#close.settled();
  }

  /** The executor stopped this record's work by force. */
  killed(record: TaskRecord<P>): void {
    if (record.options.internal === true) return;
    const name = record.options.name ?? this.#label(record.payload);
    this.#metrics.killed(name);
    if (this.events.has('kill')) {
      const e = { id: record.id };
      this.events.emit('kill', name === undefined ? e : { ...e, name });
    }
  }

  #allStopped(): Promise<void> {
    return this.#active.size === 0 ? Promise.resolve() : this.onIdle();
  }
}

export type { TaskRecord };
