import type { Job } from '../types.js';
import type { TimerHandle } from './clock.js';
import type { NormalizedTaskOptions } from './options.js';

/** Waiting in the queue. */
export const QUEUED = 0;
/** Began in the executor (counts against the concurrency limit; the run timeout runs). */
export const RUNNING = 1;
/** The executor reported the work ended. */
export const DONE = 2;
/** Failed, waiting out a retry backoff before it is queued again. */
export const DELAYED = 3;
/** Handed to the executor, not begun yet (a thread's prefetched task). */
export const DISPATCHED = 4;

/** A promise's resolve function, or an `(ok, value)` callback. */
export type Sink = ((value: unknown) => void) | ((ok: boolean, value: unknown) => void);

/** Where the scheduler sends a record when its executor reports the work ended. */
export interface FinishTarget<P> {
  finished(record: TaskRecord<P>, ok: boolean, value: unknown): void;
  began(record: TaskRecord<P>): void;
  requeued(record: TaskRecord<P>): void;
}

/** State only some tasks need, allocated on first use so a plain task stays small. */
export interface RecordExtra {
  timer: TimerHandle | undefined;
  controller: AbortController | undefined;
  unlisten: (() => void) | undefined;
  attempt: number;
  /** Errors of the failed attempts so far (retries). */
  errors: unknown[] | undefined;
  /** A timed-out attempt to retry once its work has really stopped: the delay to wait then. */
  retryDelay: number | undefined;
}

/**
 * One accepted task, from admission to its end. Kept small on purpose: a backlog of a
 * million tasks costs a million of these (plus the caller's promise), so rare state lives
 * in `extra`, and `since` serves both phases (queued: admission time; running: start time).
 */
export class TaskRecord<P> implements Job<P> {
  readonly id: number;
  readonly payload: P;
  readonly options: NormalizedTaskOptions;
  /** Clock time the current phase began: admission (or re-queueing) while queued or dispatched, begin while running. */
  since = 0;
  /** Clock time of the first admission (for total time). */
  admittedAt = 0;
  /** Index in the scheduler's active set, -1 when not there. */
  slot = -1;
  /** QUEUED, DISPATCHED, RUNNING, DONE or DELAYED. */
  state = QUEUED;
  /** The caller's outcome is decided (may come before DONE: a timeout, a cancel). */
  settled = false;
  /**
   * Receives the outcome exactly once. Either the resolve function of the caller's promise
   * (`callback` false: a failure is passed as a rejected promise, so the record does not
   * keep the reject function alive), or a callback `(ok, value)` (pool.map).
   */
  sink: Sink;
  readonly callback: boolean;
  /** The caller's promise, if any: marked handled when it rejects (DESIGN invariant 6). */
  promise: Promise<unknown> | undefined = undefined;
  extra: RecordExtra | undefined = undefined;
  readonly #target: FinishTarget<P>;

  constructor(
    id: number,
    payload: P,
    options: NormalizedTaskOptions,
    target: FinishTarget<P>,
    sink: Sink,
    callback: boolean,
  ) {
    this.id = id;
    this.payload = payload;
    this.options = options;
    this.#target = target;
    this.sink = sink;
    this.callback = callback;
  }

  get priority(): number {
    return this.options.priority;
  }

  get key(): string | undefined {
    return this.options.key;
  }

  /** Admission time, for queue order (read only while queued). */
  get enqueuedAt(): number {
    return this.since;
  }

  get attempt(): number {
    return this.extra === undefined ? 1 : this.extra.attempt;
  }

  get more(): RecordExtra {
    this.extra ??= {
      timer: undefined,
      controller: undefined,
      unlisten: undefined,
      attempt: 1,
      errors: undefined,
      retryDelay: undefined,
    };
    return this.extra;
  }

  get signal(): AbortSignal {
    const more = this.more;
    more.controller ??= new AbortController();
    return more.controller.signal;
  }

  abort(reason: unknown): void {
    const more = this.more;
    more.controller ??= new AbortController();
    more.controller.abort(reason);
  }

  get timed(): boolean {
    return this.options.timeout !== Number.POSITIVE_INFINITY;
  }

  began(): void {
    this.#target.began(this);
  }

  requeue(): void {
    this.#target.requeued(this);
  }

  finish(ok: boolean, value: unknown): void {
    this.#target.finished(this, ok, value);
  }
}
