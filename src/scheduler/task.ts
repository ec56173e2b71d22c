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

/** A caller's promise's resolve function: a failure is passed as a rejected promise. */
export type Resolve = (value: unknown) => void;
/** A callback told each outcome as `(ok, value)` (`Pool.map`'s items). */
export type Done = (ok: boolean, value: unknown) => void;
/** Where a task's outcome goes: a `Resolve`, or a `Done` callback (the record's `callback` flag). */
export type Sink = Resolve | Done;

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
  /** Clock time of the first admission, kept once a retry re-queues (`since` moves on). */
  admittedAt: number | undefined;
}

// `TaskRecord.#bits` layout: the state in bits 0-2, two flags, then `slot + 1` (0: none).
const STATE_MASK = 0b111;
const SETTLED = 0b1000;
const CALLBACK = 0b10000;
/** Slots are below 2^26 (the concurrency), so `#bits` stays a small integer (Smi). */
const SLOT_SHIFT = 5;

/**
 * One accepted task, from admission to its end. Kept small on purpose: a backlog of a
 * million tasks costs a million of these (plus the caller's promise), and Node 20's V8 has
 * no pointer compression, so each field costs 8 bytes and a double field 16 more (boxed).
 * Hence: rare state lives in `extra`; state, the two flags and the active-set slot share
 * one small integer (`#bits`, behind accessors); `since` is the only time field (a running
 * task's begin time is kept by the scheduler's `ActiveSet`, and a retried task's first
 * admission in `extra`); and the scheduler is not referenced here: executors report to it
 * through `ExecutorHooks`. 8 fields: 88 bytes, plus 16 for the boxed `since`.
 */
export class TaskRecord<P> implements Job<P> {
  readonly id: number;
  readonly payload: P;
  readonly options: NormalizedTaskOptions;
  /**
   * Clock time of the last admission: the first one, or the re-queueing of a retry. Kept
   * while the task runs (its wait time is `began - since`; total time uses it too).
   */
  since = 0;
  #bits: number;
  /**
   * Receives the outcome exactly once. Either the resolve function of the caller's promise
   * (`callback` false: a failure is passed as a rejected promise, so the record does not
   * keep the reject function alive), or a callback `(ok, value)` (pool.map).
   */
  sink: Sink;
  /** The caller's promise, if any: marked handled when it rejects (DESIGN invariant 6). */
  promise: Promise<unknown> | undefined = undefined;
  extra: RecordExtra | undefined = undefined;

  constructor(
    id: number,
    payload: P,
    options: NormalizedTaskOptions,
    sink: Sink,
    callback: boolean,
  ) {
    this.id = id;
    this.payload = payload;
    this.options = options;
    this.#bits = QUEUED | (callback ? CALLBACK : 0);
    this.sink = sink;
  }

  /** QUEUED, DISPATCHED, RUNNING, DONE or DELAYED. */
  get state(): number {
    return this.#bits & STATE_MASK;
  }

  set state(state: number) {
    this.#bits = (this.#bits & ~STATE_MASK) | state;
  }

  /** The caller's outcome is decided (may come before DONE: a timeout, a cancel). Set once. */
  get settled(): boolean {
    return (this.#bits & SETTLED) !== 0;
  }

  set settled(settled: boolean) {
    this.#bits = settled ? this.#bits | SETTLED : this.#bits & ~SETTLED;
  }

  /** `sink` is an `(ok, value)` callback, not a promise's resolve function. */
  get callback(): boolean {
    return (this.#bits & CALLBACK) !== 0;
  }

  /** Index in the scheduler's active set, -1 when not there. */
  get slot(): number {
    return (this.#bits >> SLOT_SHIFT) - 1;
  }

  set slot(slot: number) {
    this.#bits = (this.#bits & (SETTLED | CALLBACK | STATE_MASK)) | ((slot + 1) << SLOT_SHIFT);
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

  /** `extra`, allocated on first use (read `extra` to look without allocating). */
  ensureExtra(): RecordExtra {
    this.extra ??= {
      timer: undefined,
      controller: undefined,
      unlisten: undefined,
      attempt: 1,
      errors: undefined,
      retryDelay: undefined,
      admittedAt: undefined,
    };
    return this.extra;
  }

  get signal(): AbortSignal {
    const extra = this.ensureExtra();
    extra.controller ??= new AbortController();
    return extra.controller.signal;
  }

  abort(reason: unknown): void {
    const extra = this.ensureExtra();
    extra.controller ??= new AbortController();
    extra.controller.abort(reason);
  }

  get timed(): boolean {
    return this.options.timeout !== Number.POSITIVE_INFINITY;
  }
}
