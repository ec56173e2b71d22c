/**
 * The one scheduler behind every pool: admission and back-pressure, dispatch order
 * (priorities, aging, fair share), start limits (rate, adaptive concurrency, per-key caps),
 * deadlines, retries, cancellation, sizing and shutdown. It drives an Executor (mechanism)
 * and feeds a MetricsSink; it never runs a task itself.
 *
 * Over ~300 lines on purpose: this file is the order of events of an accepted task (begin,
 * end, and the timeout, cancel, retry and shutdown paths, to the one `#settle`), each step
 * a few lines over the same state, to be read top to bottom beside the walk in
 * docs/ARCHITECTURE.md; split further, one task's life would be spread over files again.
 * The parts it composes: admit.ts (the door: `scheduler.admission`; its rules are
 * admission.ts's pure functions), dispatch.ts (queueing, what starts next, the records in
 * the executor's hands, idle and drain), timers.ts (every timer), backlog.ts (the waiting
 * work), limits.ts (start limits), retry-policy.ts and retry.ts (whether and when to try
 * again; the bookkeeping between attempts), outcome.ts (the one report of an outcome),
 * shutdown.ts (what close() waits for), producers.ts (callers waiting for room), sizer.ts,
 * events.ts.
 *
 * Invariants it keeps (DESIGN.md): every accepted record settles exactly once (`#settle`);
 * it hands a record to the executor only while `executor.free > 0` (dispatch.ts); `close()`
 * resolves only once every accepted record has settled.
 *
 * Dispatched is not begun: an executor may accept jobs ahead of the ones it runs (a
 * thread's prefetch) and reports each real begin (`began`). The wait time, the `start`
 * event, the run timeout and `running` count from the begin; the queue timeout runs until
 * then; a dispatched record still counts for close/terminate and can be cancelled.
 */
import { PoolClosedError, TaskCancelledError, TaskTimeoutError } from '../errors.js';
import type { Executor, ExecutorHooks, Health, MetricsSink } from '../types.js';
import { Admission } from './admit.js';
import { Backlog } from './backlog.js';
import { Dispatcher } from './dispatch.js';
import { Emitter, type SchedulerEvents } from './events.js';
import { StartLimits } from './limits.js';
import { type NormalizedSchedulerOptions, normalizeConcurrency } from './options.js';
import { reportOutcome } from './outcome.js';
import { Producers } from './producers.js';
import { reportProgress } from './progress.js';
import { Retries } from './retry.js';
import { annotate } from './retry-policy.js';
import { type CloseOptions, within } from './shutdown.js';
import { Sizer } from './sizer.js';
import {
  DELAYED,
  DISPATCHED,
  DONE,
  type Done,
  QUEUED,
  type Resolve,
  RUNNING,
  type TaskRecord,
} from './task.js';
import { Timers } from './timers.js';

export type { CloseOptions, SchedulerEvents };

const noop = (): void => {};

export class Scheduler<P> implements ExecutorHooks<P> {
  readonly events = new Emitter<SchedulerEvents>();
  /** The door: `tryAdmit`, `admit` and their forms, room and refusal (admit.ts). */
  readonly admission: Admission<P>;
  readonly #executor: Executor<P>;
  readonly #metrics: MetricsSink;
  readonly #o: NormalizedSchedulerOptions;
  readonly #sizer: Sizer<P>;
  readonly #producers = new Producers<P>();
  readonly #label: (payload: P) => string | undefined;
  /** The accepted work not handed to the executor (backlog.ts). */
  readonly #backlog: Backlog<P>;
  /** What starts next, and the records in the executor's hands (dispatch.ts). */
  readonly #d: Dispatcher<P>;
  /** Every task timer: queue timeout, run timeout, retry backoff (timers.ts). */
  readonly #timers: Timers<P>;
  /** Tasks between attempts (retry.ts). */
  readonly #retries: Retries<P>;
  /** Start limits beyond free workers (limits.ts). */
  readonly #startLimits: StartLimits;
  /** `#startLimits.limited`, copied once: the finish path tests it and never calls in otherwise. */
  readonly #limited: boolean;
  #closed = false;
  #health: Health = { healthy: true };

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
    this.#timers = new Timers<P>(options.clock, {
      queueTimedOut: (record, ms) => this.cancel(record, new TaskTimeoutError(ms, 'queue')),
      runTimedOut: (record, ms) => this.#expire(record, ms),
      retryDue: (record) => {
        this.#retries.due(record);
        this.#d.enqueue(record, options.clock.now());
        this.#d.pass();
      },
    });
    this.#retries = new Retries<P>({
      timers: this.#timers,
      backlog: this.#backlog,
      metrics,
      events: this.events,
      label,
    });
    this.#startLimits = new StartLimits(options, () => this.#d.pass());
    this.#limited = this.#startLimits.limited;
    this.#sizer = new Sizer(executor, options, options.clock, options.idleTimeout, this.events);
    this.#d = new Dispatcher<P>({
      executor,
      backlog: this.#backlog,
      sizer: this.#sizer,
      startLimits: this.#startLimits,
      producers: this.#producers,
      events: this.events,
      clock: options.clock,
      maxQueue: options.maxQueue,
      timers: this.#timers,
      admitWaiting: (producer) => this.admission.admitWaiting(producer),
    });
    this.admission = new Admission<P>({
      options,
      backlog: this.#backlog,
      dispatch: this.#d,
      producers: this.#producers,
      metrics,
      events: this.events,
      label,
      state: this,
      settle: (record, ok, value) => this.#settle(record, ok, value),
      cancel: (record, error) => this.cancel(record, error),
    });
    executor.bind(this);
    this.#sizer.start(); // the first workers, once every hook they may call can answer
  }

  get running(): number {
    return this.#d.running;
  }
  /** Waiting to begin: queued, plus handed to the executor and not begun (prefetched). */
  get queued(): number {
    return this.#backlog.size + this.#d.active.size - this.#d.running;
  }
  get paused(): boolean {
    return this.#d.paused;
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

  // ---- what the executor reports (ExecutorHooks) ----------------------------------------

  /** The executor reports the record's work began: the queue timeout ends, the run timeout starts. */
  began(record: TaskRecord<P>): void {
    if (record.state !== DISPATCHED) return;
    record.state = RUNNING;
    this.#d.running++;
    const now = this.#d.now();
    this.#timers.clear(record); // the queue timeout ends
    // `since` keeps the admission time (for total time); the begin time goes in the active set.
    const waitMs = now - record.since;
    this.#d.active.setTime(record, now);
    const name = record.options.name ?? this.#label(record.payload);
    const counted = record.options.internal !== true;
    if (counted) this.#metrics.started(waitMs, name);
    if (!record.settled) this.#timers.run(record);
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
    this.#d.release(record);
    if (record.settled) record.state = DONE;
    else {
      record.state = QUEUED;
      this.#backlog.giveBack(record);
    }
    this.#d.schedule();
  }

  /** The executor reports the work ended: free the slot, settle or retry if still undecided. */
  finished(record: TaskRecord<P>, ok: boolean, value: unknown): void {
    if (record.state === DISPATCHED) {
      // Ended without beginning: failed before it was sent, or dropped after a cancel.
      if (!record.settled) this.began(record);
      else {
        this.#d.release(record);
        record.state = DONE;
        this.#d.pass();
        return;
      }
    }
    if (record.state !== RUNNING) return;
    record.state = DONE;
    this.#d.running--;
    this.#timers.clear(record); // the attempt ended: its run timer goes with it
    const beganAt = this.#d.active.timeOf(record);
    this.#d.release(record);
    const now = this.#o.clock.now();
    this.#d.keep(now); // the start this end makes room for reuses the reading
    const runMs = now - beganAt;
    if (record.options.internal !== true)
      this.#metrics.ran(runMs, record.options.name ?? this.#label(record.payload));
    if (this.#limited) this.#startLimits.ran(runMs, this.#d.active.size + 1, this.#sizer);
    const heldRetry = record.extra?.retryDelay;
    if (heldRetry !== undefined) this.#retries.afterStopped(record, heldRetry);
    else if (!record.settled) {
      const delay = ok ? undefined : this.#retries.delayFor(record, value);
      if (delay === undefined) this.#settle(record, ok, value);
      else this.#retries.later(record, delay, value);
    }
    this.#d.pass();
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

  capacityChanged(): void {
    this.#d.pass();
  }

  unhealthy(error: Error): void {
    this.#health = { healthy: false, error };
    this.events.emit('health', this.#health);
    for (const record of this.#backlog.takeQueued()) this.#settle(record, false, error);
    this.#producers.rejectAll(error);
    this.#d.settleDown();
  }

  healthy(): void {
    if (this.#health.healthy) return;
    this.#health = { healthy: true };
    this.events.emit('health', this.#health);
    this.#d.pass();
  }

  // ---- the ways out: timeout, cancel, settle ---------------------------------------------

  /** The run timer fired: settle (or hold a retry until the work stopped), then stop it. */
  #expire(record: TaskRecord<P>, timeout: number): void {
    if (record.settled) return;
    const error = new TaskTimeoutError(timeout, 'run');
    const delay = this.#retries.delayFor(record, error);
    if (delay === undefined) this.#settle(record, false, error);
    else this.#retries.holdUntilStopped(record, error, delay); // the limit stays real
    record.abort(error);
    this.#executor.stop(record);
  }

  /** Cancels a task: a queued or delayed one leaves, a running one has its signal aborted. */
  cancel(record: TaskRecord<P>, error: Error): void {
    if (record.settled) return;
    if (record.state === QUEUED || record.state === DELAYED) {
      this.#backlog.remove(record);
      this.#settle(record, false, error);
      this.#d.pass(); // room for waiting producers; maybe idle
    } else {
      this.#retries.forget(record);
      this.#settle(record, false, error);
      record.abort(error);
      this.#executor.stop(record);
    }
  }

  /** The one place a task's outcome is decided: at most once per task (invariant 1). */
  #settle(record: TaskRecord<P>, ok: boolean, value: unknown): void {
    if (record.settled) return;
    record.settled = true;
    this.#timers.clear(record);
    const extra = record.extra;
    if (extra !== undefined) {
      if (extra.unlisten !== undefined) {
        extra.unlisten();
        extra.unlisten = undefined;
      }
      if (!ok && extra.errors !== undefined) annotate(value, extra.attempt, extra.errors);
    }
    const sink = record.sink;
    record.sink = noop;
    if (record.options.internal !== true) {
      const name = record.options.name ?? this.#label(record.payload);
      // Inside `finished`, the clock was just read: reuse it (one read fewer per task).
      const totalMs = this.#d.reading() - (extra?.admittedAt ?? record.since);
      reportOutcome(this.#metrics, this.events, record.id, name, ok, value, totalMs);
    }
    if (record.callback) (sink as Done)(ok, value);
    else if (ok) (sink as Resolve)(value);
    else {
      this.#d.close.watch(record); // handled, and held by close() until it rejects
      (sink as Resolve)(Promise.reject(value));
    }
  }

  // ---- control ---------------------------------------------------------------------------

  /** Sets new worker limits (validated like the `concurrency` option). */
  resize(concurrency: unknown): void {
    const { min, max, adaptive } = normalizeConcurrency(concurrency, 'concurrency');
    this.#sizer.setLimits(min, max);
    if (adaptive) this.#startLimits.enableAdaptive({ min, max });
    this.#d.pass();
  }

  pause(): void {
    this.#d.paused = true;
    // Jobs an executor accepted ahead of running them must not begin while paused either.
    this.#executor.recall?.();
  }

  resume(): void {
    if (!this.#d.paused) return;
    this.#d.paused = false;
    this.#d.pass();
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /** Resolves when nothing is queued, delayed or running. */
  onIdle(): Promise<void> {
    return this.#d.onIdle();
  }

  /**
   * Graceful: refuse new work, let accepted work settle, then stop the workers. With a
   * `timeout`: drain until then, then cancel what waits and abort what runs, then kill what
   * still runs after `grace`.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    this.#shut(new PoolClosedError('Pool closed before the task was accepted'));
    this.#d.pass();
    const timeout = options.timeout ?? Number.POSITIVE_INFINITY;
    if (timeout === Number.POSITIVE_INFINITY) {
      await this.#d.close.settled();
      await this.#executor.close();
      return;
    }
    const drained = await within(this.#o.clock, this.#d.close.settled(), timeout);
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
    this.#d.paused = false;
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
    for (const record of this.#d.active.snapshot()) this.cancel(record, cancelled);
  }

  async #kill(): Promise<void> {
    this.#startLimits.stop();
    await this.#executor.close();
    // Threads report what they killed (`killed`); work still running now cannot be stopped
    // (in-process): it is abandoned, and counted as killed too.
    for (const record of this.#d.active.snapshot())
      if (record.state === RUNNING) this.killed(record);
    this.#d.settleDown();
    await this.#d.close.settled();
  }

  #allStopped(): Promise<void> {
    return this.#d.active.size === 0 ? Promise.resolve() : this.onIdle();
  }
}

export type { TaskRecord };
