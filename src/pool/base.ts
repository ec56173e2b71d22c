import { QueueFullError, TaskCancelledError } from '../errors.js';
import type { TaskFunction } from '../executors/inline.js';
import { MapIterator } from '../map/iterator.js';
import { type LeaseHost, Leases, type Mapper } from '../map/leases.js';
import { ItemMeter } from '../map/meter.js';
import {
  type Counters,
  type MetricsSnapshot,
  type NameSnapshot,
  PoolMetrics,
} from '../metrics/pool-metrics.js';
import type { Emitter } from '../scheduler/events.js';
import type { Concurrency } from '../scheduler/options.js';
import {
  type NormalizedSchedulerOptions,
  type NormalizedTaskOptions,
  normalizeTaskOptions,
  type TaskOptions,
} from '../scheduler/options.js';
import {
  type CloseOptions,
  Scheduler,
  type SchedulerEvents,
  type TaskRecord,
} from '../scheduler/scheduler.js';
import { ErrGroup } from '../sync/err-group.js';
import type { Executor, Health } from '../types.js';
import * as v from '../validate.js';
import { StreamReader, type TaskStream } from './stream.js';
import type { NormalizedStreamOptions } from './stream-options.js';
import { Task } from './task.js';

export type PoolEvents = SchedulerEvents;

/**
 * What `close()` and `terminate()` resolve with: the pool's counters over its life, the
 * same figures and names as `stats()` (docs/ARCHITECTURE.md, "Outcomes").
 */
export type CloseReport = Counters;

/** What `stats()` returns: gauges now, counters and percentiles since the pool was made. */
export interface PoolStats extends MetricsSnapshot {
  /** Workers alive or starting (threads, or in-process slots). */
  readonly workers: number;
  readonly running: number;
  readonly queued: number;
  /** Worker limits; `limit` is the adaptive limit on running tasks under `concurrency: 'auto'`. */
  readonly concurrency: { readonly min: number; readonly max: number; readonly limit?: number };
  /** Per task name (ThreadPool handler, or the `name` task option). */
  readonly byName: Readonly<Record<string, NameSnapshot>>;
  /** running / (workers * tasks per worker), 0 with no workers. */
  readonly utilization: number;
  readonly paused: boolean;
  readonly closed: boolean;
  readonly healthy: boolean;
  /** Why the pool is unhealthy. */
  readonly error?: string;
  /** Executor-specific figures (threads: per-thread utilization and event-loop utilization). */
  readonly details?: Record<string, unknown>;
}

export interface MapOptions extends TaskOptions {
  /** Yield results in input order (`true`) or as they finish. @default true */
  readonly ordered?: boolean;
}

const mapKeys: ReadonlySet<string> = new Set(['ordered']);

/**
 * What every pool has, whatever runs its tasks: lifecycle, sizing, events and stats,
 * delegated to the one Scheduler. `Pool` and `ThreadPool` add the task-shaped entry points.
 *
 * Over ~300 lines on purpose: it is the whole surface the two pools share (stats, events,
 * control, close, group, and the run/submit/trySubmit/map/stream plumbing), each member
 * a few lines handing over to the scheduler's admission, map/ or the stream reader; one
 * file keeps the two pools' contract in one place.
 */
export class PoolBase<P> implements AsyncDisposable {
  readonly #scheduler: Scheduler<P>;
  readonly #metrics: PoolMetrics;
  readonly #executor: Executor<P>;
  readonly #clock: NormalizedSchedulerOptions['clock'];
  readonly #timed: boolean;

  /** @param label names a payload for per-name metrics (ThreadPool: the handler name). */
  protected constructor(
    executor: Executor<P>,
    options: NormalizedSchedulerOptions,
    label?: (payload: P) => string | undefined,
  ) {
    this.#executor = executor;
    this.#clock = options.clock;
    this.#timed = options.metrics;
    this.#metrics = new PoolMetrics(options.metrics);
    this.#scheduler = new Scheduler(executor, options, this.#metrics, label);
  }

  /** Typed events (`SchedulerEvents`: start, end, error, retry, drop, reject, kill, idle, drain, resize, health). */
  get events(): Emitter<PoolEvents> {
    return this.#scheduler.events;
  }

  on<K extends keyof PoolEvents>(event: K, listener: (e: PoolEvents[K]) => void): this {
    this.#scheduler.events.on(event, listener);
    return this;
  }

  off<K extends keyof PoolEvents>(event: K, listener: (e: PoolEvents[K]) => void): this {
    this.#scheduler.events.off(event, listener);
    return this;
  }

  /** Stops starting tasks (running ones go on); `submit` still accepts up to `maxQueue`. */
  pause(): void {
    this.#scheduler.pause();
  }

  resume(): void {
    this.#scheduler.resume();
  }

  /** New worker limits, checked like the `concurrency` option; running tasks are never cut short. */
  resize(concurrency: Concurrency): void {
    this.#scheduler.resize(concurrency);
  }

  get paused(): boolean {
    return this.#scheduler.paused;
  }

  /** Whether the workers can run tasks, and if not, why (e.g. a task module that fails to load). */
  protected get health(): Health {
    return this.#scheduler.health;
  }

  get closed(): boolean {
    return this.#scheduler.closed;
  }

  /** Resolves when nothing is queued or running. */
  onIdle(): Promise<void> {
    return this.#scheduler.onIdle();
  }

  /**
   * Graceful shutdown: refuses new work (`PoolClosedError`), lets every accepted task
   * settle, stops the workers, and resolves with totals. Nothing of the pool keeps the
   * process alive afterwards.
   */
  close(options?: CloseOptions): Promise<CloseReport> {
    const o = v.closeOptions(options, closeKeys);
    const checked: CloseOptions = {
      ...(o.timeout === undefined ? {} : { timeout: v.number('timeout', o.timeout, 0, true) }),
      ...(o.grace === undefined ? {} : { grace: v.number('grace', o.grace, 0, true) }),
    };
    return keepAlive(this.#scheduler.close(checked)).then(() => this.#metrics.counters());
  }

  /** Forced shutdown: queued tasks reject `PoolClosedError`, running ones are cancelled (threads killed). */
  terminate(reason?: unknown): Promise<CloseReport> {
    return keepAlive(this.#scheduler.terminate(reason)).then(() => this.#metrics.counters());
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  stats(): PoolStats {
    const s = this.#scheduler;
    const executor = this.#executor;
    const capacity = executor.workers * executor.perWorker;
    const health = s.health;
    const details = executor.details?.();
    return {
      ...this.#metrics.snapshot(),
      workers: executor.workers,
      running: s.running,
      queued: s.queued,
      concurrency: s.limits,
      byName: this.#metrics.byName(),
      utilization: capacity === 0 ? 0 : Math.min(1, s.running / capacity),
      paused: s.paused,
      closed: s.closed,
      healthy: health.healthy,
      ...(health.error === undefined ? {} : { error: health.error.message }),
      ...(details === undefined ? {} : { details }),
    };
  }

  /**
   * An ErrGroup for work on this pool, the same for `Pool` and `ThreadPool`: `go(fn)` calls
   * `fn(signal)` on the calling thread with the group's signal, which `fn` passes to the
   * pool's `run`/`submit`; the first error (or an abort of `options.signal`) aborts it,
   * which cancels every queued and running task given it. `limit` bounds the functions in
   * flight (the pool's own limits bound the tasks). `wait()` rejects with the first error.
   *
   * ```ts
   * const g = pool.group();
   * for (const file of files) g.go((signal) => pool.run('resize', file, { signal }));
   * await g.wait();
   * ```
   */
  group(options: { readonly signal?: AbortSignal; readonly limit?: number } = {}): ErrGroup {
    return new ErrGroup(options);
  }

  // ---- for the facades --------------------------------------------------------------------

  protected normalize(
    options: TaskOptions | undefined,
    extraKeys?: ReadonlySet<string>,
  ): NormalizedTaskOptions {
    return normalizeTaskOptions(options, extraKeys);
  }

  /**
   * Accepts (waiting for room) and resolves with the result; `accepted` gets the record
   * once it is accepted (not if it is refused).
   */
  protected runPayload<R>(
    payload: P,
    options: NormalizedTaskOptions,
    accepted?: (record: TaskRecord<P>) => void,
  ): Promise<R> {
    const s = this.#scheduler;
    // Only `resolve` is kept (failures arrive as rejected promises): the reject function
    // is dropped at once, one closure less per queued task. The executor is one
    // shared function, not a closure per call.
    const promise = new Promise<unknown>(capture) as Promise<R>;
    const resolve = captured;
    if (accepted === undefined) {
      // No caller needs the record: a plain task may wait without one (scheduler lane).
      const refused = s.admission.tryAdmitPromise(payload, options, resolve, promise, s.waits);
      if (refused === undefined) return promise;
      return this.#afterRefusal(refused, payload, options, resolve, promise, accepted);
    }
    const admitted = s.admission.tryAdmit(payload, options, resolve, s.waits, promise);
    if (!(admitted instanceof Error)) {
      accepted(admitted);
      return promise;
    }
    return this.#afterRefusal(admitted, payload, options, resolve, promise, accepted);
  }

  /** `run` was refused at once: wait for room when the queue is full and producers wait. */
  #afterRefusal<R>(
    admitted: Error,
    payload: P,
    options: NormalizedTaskOptions,
    resolve: (value: unknown) => void,
    promise: Promise<R>,
    accepted: ((record: TaskRecord<P>) => void) | undefined,
  ): Promise<R> {
    const s = this.#scheduler;
    if (!(admitted instanceof QueueFullError) || s.closed || !s.waits)
      return handledRejection(admitted);
    s.admission.admit(payload, options, resolve, promise).then(
      (record) => accepted?.(record),
      (error: unknown) => {
        promise.then(undefined, noop);
        resolve(Promise.reject(error));
      },
    );
    return promise;
  }

  /**
   * A streaming task: accepted like `run` (waiting for room), one slot for its whole life.
   * `make` builds the payload around the stream (its producer's end); `grant` passes credit
   * to the producer of `record` once it has begun.
   */
  protected streamPayload<T, R>(
    make: (stream: StreamReader<T, R>) => P,
    o: NormalizedStreamOptions,
    grant: (record: TaskRecord<P> | undefined, n: number) => void,
  ): TaskStream<T, R> {
    const s = this.#scheduler;
    let accepted: TaskRecord<P> | undefined;
    const stream = new StreamReader<T, R>(o.window, o.gapTimeout, this.#clock, (n) =>
      grant(accepted, n),
    );
    const result = this.runPayload<R>(make(stream), o.task, (record) => {
      accepted = record;
      stream.attach((error) => s.cancel(record, error));
    });
    stream.follow(result);
    return stream;
  }

  /** Resolves with a Task once accepted, waiting while the queue is full. */
  protected async submitPayload<R>(payload: P, options: NormalizedTaskOptions): Promise<Task<R>> {
    const promise = new Promise<unknown>(capture) as Promise<R>;
    const resolve = captured;
    // The record has the promise from the start: a task that fails inside `admit` (a
    // function that throws at once on an idle pool) is watched, never an unhandled rejection.
    const record = await this.#scheduler.admission.admit(payload, options, resolve, promise);
    return this.#task(record, promise);
  }

  /** A Task now, or `undefined` if the queue is full. Throws if the pool is closed. */
  protected trySubmitPayload<R>(payload: P, options: NormalizedTaskOptions): Task<R> | undefined {
    const promise = new Promise<unknown>(capture) as Promise<R>;
    const resolve = captured;
    const record = this.#scheduler.admission.tryAdmit(payload, options, resolve, false, promise);
    if (record instanceof Error) {
      if (record instanceof QueueFullError) return undefined;
      throw record;
    }
    return this.#task(record, promise);
  }

  /**
   * `mapper` (in-process Pool only) allows the fast path: items run inline on pool slots
   * the map leases (src/map/leases.ts) instead of one scheduler task each. It is taken only
   * when no per-item option needs a task of its own (`timeout`, `queueTimeout`, `retries`),
   * the limit is not adaptive (a lease's run time says nothing about an item's), starts
   * are not rate limited (each item must count as a start), and a full queue makes
   * producers wait (a lease must never be refused or dropped: its items would then be
   * counted unlike `ThreadPool.map`'s).
   */
  protected mapPayloads<T, R>(
    source: Iterable<T> | AsyncIterable<T>,
    toPayload: (item: T) => P,
    options: MapOptions | undefined,
    mapper?: Mapper,
  ): AsyncIterableIterator<R> {
    const ordered = v.boolean('ordered', options?.ordered ?? true);
    let taskOptions: TaskOptions | undefined;
    if (options !== undefined) {
      const { ordered: _ordered, ...rest } = options;
      taskOptions = rest;
    }
    const normalized = normalizeTaskOptions(taskOptions, mapKeys);
    const limits = this.#scheduler.limits;
    const window = limits.max * this.#executor.perWorker;
    const scheduler = this.#scheduler;
    const leases =
      mapper !== undefined &&
      normalized.timeout === Number.POSITIVE_INFINITY &&
      normalized.queueTimeout === Number.POSITIVE_INFINITY &&
      normalized.retries === undefined &&
      limits.limit === undefined &&
      !scheduler.rateLimited &&
      scheduler.waits
        ? (host: LeaseHost) =>
            // Only Pool passes a mapper, and its payloads are task functions.
            new Leases(
              scheduler as unknown as Scheduler<TaskFunction>,
              normalized,
              window,
              mapper,
              host,
              this.#itemMeter(normalized.name),
            )
        : undefined;
    return new MapIterator<T, R, P>(
      scheduler,
      source,
      toPayload,
      normalized,
      ordered,
      window,
      leases,
    );
  }

  #itemMeter(name: string | undefined): ItemMeter {
    const s = this.#scheduler;
    return new ItemMeter(
      this.#metrics,
      s.events,
      this.#clock,
      name,
      () => s.admission.newId(),
      this.#timed,
    );
  }

  #task<R>(record: TaskRecord<P>, promise: Promise<R>): Task<R> {
    record.promise = promise;
    const s = this.#scheduler;
    return new Task<R>(record.id, promise, (reason) =>
      s.cancel(
        record,
        new TaskCancelledError(
          'Task was cancelled',
          reason === undefined ? undefined : { cause: reason },
        ),
      ),
    );
  }
}

const noop = (): void => {};
const closeKeys: ReadonlySet<string> = new Set(['timeout', 'grace']);

/** The resolve function of the promise last made with `capture` as its executor. */
let captured: (value: unknown) => void = noop;
const capture = (resolve: (value: unknown) => void): void => {
  captured = resolve;
};

/**
 * A shutdown in progress is work: whoever awaits it must not see the process exit under
 * it because every remaining handle (idle threads, unref'd timers) is unreferenced.
 */
function keepAlive<T>(shutdown: Promise<T>): Promise<T> {
  const handle = setInterval(noop, 1 << 30);
  return shutdown.finally(() => clearInterval(handle));
}

/** A rejected promise that raises no unhandled rejection if nobody awaits it (DESIGN invariant 6). */
function handledRejection<T>(error: unknown): Promise<T> {
  const p = Promise.reject(error);
  p.catch(noop);
  return p;
}
