import { QueueFullError, TaskDroppedError } from '../errors.js';
import type { Health, MetricsSink } from '../types.js';
import { refusal, signalError } from './admission.js';
import type { Backlog } from './backlog.js';
import type { Clock } from './clock.js';
import type { Dispatcher } from './dispatch.js';
import type { Emitter, SchedulerEvents } from './events.js';
import {
  type NormalizedSchedulerOptions,
  type NormalizedTaskOptions,
  noTaskOptions,
} from './options.js';
import type { Producer, Producers } from './producers.js';
import { type Done, type Resolve, type Sink, TaskRecord } from './task.js';

/** What admission reads and drives of its scheduler. */
export interface AdmissionParts<P> {
  readonly options: NormalizedSchedulerOptions;
  readonly backlog: Backlog<P>;
  readonly dispatch: Dispatcher<P>;
  readonly producers: Producers<P>;
  readonly metrics: MetricsSink;
  readonly events: Emitter<SchedulerEvents>;
  readonly label: (payload: P) => string | undefined;
  /** The scheduler's state that refuses whatever the room. */
  readonly state: { readonly closed: boolean; readonly health: Health };
  /** The scheduler's one settle (a dropped victim settles through it). */
  readonly settle: (record: TaskRecord<P>, ok: boolean, value: unknown) => void;
  /** The scheduler's cancel (an accepted task's signal aborted). */
  readonly cancel: (record: TaskRecord<P>, error: Error) => void;
}

/**
 * The door of the scheduler: whether a task offered now is accepted (the rules are
 * admission.ts's pure functions: refusal, room, the overflow victim), waiting in line for
 * room when the queue is full (producers.ts, Go's blocked send), counting what it accepts
 * (`submitted`) and refuses (`rejected`, the `reject` event), and making the accepted task's
 * record, listening to its signal, and queueing it (dispatch.ts `enqueue`).
 *
 * Each entry takes where the outcome goes: `resolve` (the caller's promise; a failure is
 * passed as a rejected promise) or, in the `…Callback` forms, `done(ok, value)` (`Pool.map`).
 * `willWait`: a refusal for want of room is not final, since the caller then waits in
 * `admit`, so it is not counted.
 */
export class Admission<P> {
  readonly #p: AdmissionParts<P>;
  readonly #clock: Clock;
  readonly #dispatch: Dispatcher<P>;
  readonly #backlog: Backlog<P>;
  readonly #producers: Producers<P>;
  readonly #metrics: MetricsSink;
  readonly #label: (payload: P) => string | undefined;
  readonly #state: { readonly closed: boolean; readonly health: Health };
  #nextId = 1;

  constructor(parts: AdmissionParts<P>) {
    this.#p = parts;
    this.#clock = parts.options.clock;
    this.#dispatch = parts.dispatch;
    this.#backlog = parts.backlog;
    this.#producers = parts.producers;
    this.#metrics = parts.metrics;
    this.#label = parts.label;
    this.#state = parts.state;
  }

  /** A new task id, for work a pool counts as tasks without a record (`Pool.map` items). */
  newId(): number {
    return this.#nextId++;
  }

  /** Whether a task offered now would be accepted without waiting. */
  hasRoom(): boolean {
    return this.#dispatch.hasRoom();
  }

  /**
   * Why a task offered now with `options` would be refused whatever the room (the pool is
   * closed or unhealthy, its signal aborted), or undefined: admission's own first check.
   */
  refused(options: NormalizedTaskOptions): Error | undefined {
    const state = this.#state;
    return refusal(state.closed, options.signal, state.health);
  }

  /** Accepts a task now, or returns an error saying why not (closed, full, unhealthy). */
  tryAdmit(
    payload: P,
    options: NormalizedTaskOptions,
    resolve: Resolve,
    willWait = false,
    promise?: Promise<unknown>,
  ): TaskRecord<P> | Error {
    return (
      this.#refused(payload, options, willWait) ??
      this.admitNow(payload, options, resolve, false, promise)
    );
  }

  /** `tryAdmit` with a `done(ok, value)` callback. */
  tryAdmitCallback(
    payload: P,
    options: NormalizedTaskOptions,
    done: Done,
    willWait = false,
  ): TaskRecord<P> | Error {
    return this.#refused(payload, options, willWait) ?? this.admitNow(payload, options, done, true);
  }

  /**
   * `tryAdmit` for a caller that keeps only the promise `resolve` settles (`run`): returns
   * why not, or undefined once accepted. A plain task (no options) that must wait is queued
   * without a record (backlog.ts).
   */
  tryAdmitPromise(
    payload: P,
    options: NormalizedTaskOptions,
    resolve: Resolve,
    promise: Promise<unknown>,
    willWait: boolean,
  ): Error | undefined {
    const refused = this.#refused(payload, options, willWait);
    if (refused !== undefined) return refused;
    if (options === noTaskOptions) {
      const now = this.#clock.now();
      if (
        !this.#dispatch.startsAtOnce(options, now) &&
        this.#backlog.pushPlain(this.#nextId, payload, resolve, promise, now)
      ) {
        this.#nextId++;
        this.#metrics.submitted(this.#label(payload));
        this.#dispatch.queued();
        return undefined;
      }
      this.admitNow(payload, options, resolve, false, promise, now);
      return undefined;
    }
    this.admitNow(payload, options, resolve, false, promise);
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
    resolve: Resolve,
    promise?: Promise<unknown>,
  ): Promise<TaskRecord<P>> {
    return this.#admitOrWait(payload, options, resolve, false, promise);
  }

  /** `admit` with a `done(ok, value)` callback. */
  admitCallback(payload: P, options: NormalizedTaskOptions, done: Done): Promise<TaskRecord<P>> {
    return this.#admitOrWait(payload, options, done, true);
  }

  /** A producer that waited got room (dispatch.ts): accept its task. */
  admitWaiting(producer: Producer<P>): void {
    producer.resolve(
      this.admitNow(
        producer.payload,
        producer.options,
        producer.sink,
        producer.callback,
        producer.promise,
      ),
    );
  }

  #admitOrWait(
    payload: P,
    options: NormalizedTaskOptions,
    sink: Sink,
    callback: boolean,
    promise?: Promise<unknown>,
  ): Promise<TaskRecord<P>> {
    const waits = this.#p.options.overflow === 'wait';
    const refused = waits ? this.refused(options) : this.#refused(payload, options, false);
    if (refused !== undefined) return Promise.reject(refused);
    if (!waits || (this.#p.producers.size === 0 && this.hasRoom()))
      return Promise.resolve(this.admitNow(payload, options, sink, callback, promise));
    return this.#p.producers.wait(payload, options, sink, callback, promise);
  }

  /** Why a task offered now is refused (closed, cancelled, unhealthy, full), if it is. */
  #refused(payload: P, options: NormalizedTaskOptions, willWait: boolean): Error | undefined {
    const refused = this.refused(options);
    if (refused !== undefined) return refused;
    if ((this.#producers.size > 0 || !this.hasRoom()) && !this.#makeRoom(options)) {
      const p = this.#p;
      // A caller that now waits for room (`admit`) is not refused: only a final no counts.
      if (!willWait && options.internal !== true) {
        const name = options.name ?? p.label(payload);
        p.metrics.rejected(name);
        if (p.events.has('reject')) p.events.emit('reject', name === undefined ? {} : { name });
      }
      return new QueueFullError(p.options.maxQueue);
    }
    return undefined;
  }

  /** Drop overflow policies: evict a queued task for a newcomer; false if none should go. */
  #makeRoom(options: NormalizedTaskOptions): boolean {
    const p = this.#p;
    const victim = p.backlog.victim(p.options.overflow, options.priority);
    if (victim === undefined) return false;
    p.backlog.remove(victim);
    p.events.emit('drop', { id: victim.id });
    p.settle(victim, false, new TaskDroppedError());
    return true;
  }

  /** Accepted: the record, counted `submitted`, listening to its signal, queued. */
  admitNow(
    payload: P,
    options: NormalizedTaskOptions,
    sink: Sink,
    callback: boolean,
    promise?: Promise<unknown>,
    now = this.#clock.now(),
  ): TaskRecord<P> {
    const record = new TaskRecord<P>(this.#nextId++, payload, options, sink, callback);
    record.promise = promise;
    if (options.internal !== true) this.#metrics.submitted(options.name ?? this.#label(payload));
    const signal = options.signal;
    if (signal !== undefined) {
      const cancel = this.#p.cancel;
      const onAbort = (): void => cancel(record, signalError(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
      record.ensureExtra().unlisten = () => signal.removeEventListener('abort', onAbort);
    }
    this.#dispatch.enqueue(record, now);
    return record;
  }
}
