import type { Job } from '../types.js';
import type { TimerHandle } from './clock.js';
import type { NormalizedTaskOptions } from './options.js';

export const QUEUED = 0;
export const RUNNING = 1;
export const DONE = 2;

/** Where the scheduler sends a record when its executor reports the work ended. */
export interface FinishTarget<P> {
  finished(record: TaskRecord<P>, ok: boolean, value: unknown): void;
}

/**
 * One accepted task, from admission to its end. Kept small: a queue of a million of these
 * is the memory a backlog costs. Rare state (abort controller, timer, signal listener) is
 * only allocated when a task uses it.
 */
export class TaskRecord<P> implements Job<P> {
  readonly id: number;
  readonly payload: P;
  readonly options: NormalizedTaskOptions;
  readonly priority: number;
  /** Clock time of admission (or of re-queueing for a retry). */
  enqueuedAt = 0;
  startedAt = 0;
  attempt = 1;
  /** QUEUED, RUNNING or DONE (the executor's work ended). */
  state = QUEUED;
  /** The caller's outcome is decided (may happen before DONE: a timeout, a cancel). */
  settled = false;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer: TimerHandle | undefined = undefined;
  controller: AbortController | undefined = undefined;
  unlisten: (() => void) | undefined = undefined;
  /** The caller's promise, if any: marked handled when it rejects (DESIGN invariant 6). */
  promise: Promise<unknown> | undefined = undefined;
  readonly #target: FinishTarget<P>;

  constructor(
    id: number,
    payload: P,
    options: NormalizedTaskOptions,
    target: FinishTarget<P>,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ) {
    this.id = id;
    this.payload = payload;
    this.options = options;
    this.priority = options.priority;
    this.#target = target;
    this.resolve = resolve;
    this.reject = reject;
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** Whether `abort` has been called (without creating a signal). */
  get aborted(): boolean {
    return this.controller?.signal.aborted === true;
  }

  abort(reason: unknown): void {
    this.controller ??= new AbortController();
    this.controller.abort(reason);
  }

  finish(ok: boolean, value: unknown): void {
    this.#target.finished(this, ok, value);
  }
}
