import { TaskCancelledError, TaskTimeoutError } from '../errors.js';
import type { Clock, TimerHandle } from '../scheduler/clock.js';

interface Waiter<T, R> {
  resolve(result: IteratorResult<T, R | undefined>): void;
  reject(error: unknown): void;
}

/**
 * A streaming task (`pool.stream`, `threads.stream`), as its caller sees it: an async iterator of the values its generator
 * yields, in order, and a task (`result`, `cancel`) that settles once, like `Task`.
 *
 * Back-pressure is a credit window: once the stream begins, its producer may send `window`
 * values; each value the caller takes lets it send one more (granted in batches of half the
 * window), so the generator has produced at most `window` values beyond those the caller
 * took, and waits at its `yield` while the caller does not read. `break`, `return()` or
 * `cancel()` ends the task (`TaskCancelledError`; the generator's `finally` runs where it
 * lives). `gapTimeout` bounds the wait for each value while the producer has credit (from
 * its begin, or its last value, or the moment it got credit again), and ends the task with
 * `TaskTimeoutError` (phase `'gap'`), as a run timeout does (a thread is killed after
 * `killGrace`). Values that arrived before a failure are read first; then `next()` rejects
 * with the failure, once; after that the iterator is done.
 */
export interface TaskStream<T, R = unknown> extends AsyncIterableIterator<T, R | undefined> {
  /** The generator's return value, or the stream's error. Never an unhandled rejection. */
  readonly result: Promise<R>;
  /** Stops the stream: a queued one leaves, a running one ends (`TaskCancelledError`, cause `reason`). */
  cancel(reason?: unknown): void;
  /** The consumer stops (`break`): the task ends (`TaskCancelledError`), unless it already has. */
  return(): Promise<IteratorResult<T, R | undefined>>;
}

/**
 * The caller's end of a streaming task, as a pool wires it: `began` and `value` come from
 * the producer (`StreamSink` for threads), the rest is the public `TaskStream`.
 */
export class StreamReader<T, R = unknown> implements TaskStream<T, R> {
  readonly #window: number;
  readonly #step: number;
  readonly #gapTimeout: number;
  readonly #clock: Clock;
  /** Lets the producer send `n` more values. */
  readonly #grantTo: (n: number) => void;
  /** Ends the task with an error (the consumer stopped, the gap timeout passed); once accepted. */
  #cancelTask: ((error: Error) => void) | undefined = undefined;
  #result: Promise<R> | undefined = undefined;
  /** An error to end the task with once it is accepted (it was stopped while waiting for room). */
  #early: Error | undefined = undefined;
  readonly #buffer: T[] = [];
  #head = 0;
  readonly #waiters: Waiter<T, R>[] = [];
  #began = false;
  #granted = 0;
  #received = 0;
  #consumed = 0;
  #timer: TimerHandle | undefined = undefined;
  /** How the task ended, once it did. */
  #end: { readonly ok: boolean; readonly value: unknown } | undefined = undefined;
  /** The consumer stopped, or has read the end: `next()` is done. */
  #closed = false;

  /** Made by a pool (`pool.stream`, `threads.stream`), which wires it to its task. */
  constructor(window: number, gapTimeout: number, clock: Clock, grant: (n: number) => void) {
    this.#window = window;
    this.#step = Math.max(1, Math.floor(window / 2));
    this.#gapTimeout = gapTimeout;
    this.#clock = clock;
    this.#grantTo = grant;
  }

  /** The generator's return value, or the stream's error. Never an unhandled rejection. */
  get result(): Promise<R> {
    return this.#result as Promise<R>; // set by the pool before the stream is returned
  }

  /** The task was accepted: `cancel` ends it. */
  attach(cancel: (error: Error) => void): void {
    this.#cancelTask = cancel;
    const early = this.#early;
    if (early !== undefined) cancel(early);
  }

  /** The task's outcome (its promise), followed to the end of the iteration. */
  follow(result: Promise<R>): void {
    this.#result = result;
    result.then(
      (value) => this.#settle(true, value),
      (error: unknown) => this.#settle(false, error),
    );
  }

  /** Stops the stream: a queued one leaves, a running one ends (`TaskCancelledError`, cause `reason`). */
  cancel(reason?: unknown): void {
    this.#stop(
      new TaskCancelledError(
        'Stream was cancelled',
        reason === undefined ? undefined : { cause: reason },
      ),
    );
  }

  // ---- the producer's side -------------------------------------------------------------

  /** The stream began: its producer gets its window. */
  began(): void {
    if (this.#began || this.#end !== undefined) return;
    this.#began = true;
    this.#grant(this.#window);
  }

  /** The producer's next value. */
  value(value: T): void {
    if (this.#end !== undefined || this.#closed) return;
    this.#received++;
    this.#disarm();
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) this.#take(waiter, value);
    else this.#buffer.push(value);
    this.#arm();
  }

  // ---- the consumer's side -------------------------------------------------------------

  next(): Promise<IteratorResult<T, R | undefined>> {
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      if (this.#head < this.#buffer.length) {
        const value = this.#buffer[this.#head] as T;
        this.#buffer[this.#head++] = undefined as T;
        if (this.#head === this.#buffer.length) {
          this.#buffer.length = 0;
          this.#head = 0;
        }
        this.#take(waiter, value);
      } else if (this.#closed || this.#end !== undefined) this.#finish(waiter);
      else this.#waiters.push(waiter);
    });
  }

  /** The consumer stops (`break`): the task ends, unless it already has. */
  return(): Promise<IteratorResult<T, R | undefined>> {
    if (!this.#closed) {
      this.#stop(new TaskCancelledError('Stream was stopped by its consumer'));
      this.#closed = true;
      this.#buffer.length = 0;
      this.#head = 0;
      for (const w of this.#waiters.splice(0)) w.resolve({ done: true, value: undefined });
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  // ---- internals -----------------------------------------------------------------------

  #take(waiter: Waiter<T, R>, value: T): void {
    this.#consumed++;
    waiter.resolve({ done: false, value });
    // Keep the producer's credit plus what is buffered near the window, granting in steps.
    const ahead = this.#granted - this.#consumed;
    if (this.#began && this.#end === undefined && ahead <= this.#window - this.#step)
      this.#grant(this.#window - ahead);
  }

  /** Answers a `next()` once nothing is buffered: the end (a failure once), or done. */
  #finish(waiter: Waiter<T, R>): void {
    const end = this.#end;
    if (this.#closed || end === undefined) {
      waiter.resolve({ done: true, value: undefined });
      return;
    }
    this.#closed = true;
    if (end.ok) waiter.resolve({ done: true, value: end.value as R });
    else waiter.reject(end.value);
  }

  #grant(n: number): void {
    this.#granted += n;
    this.#grantTo(n);
    this.#arm();
  }

  #stop(error: Error): void {
    if (this.#end !== undefined) return;
    if (this.#cancelTask === undefined) this.#early ??= error;
    else this.#cancelTask(error);
  }

  #settle(ok: boolean, value: unknown): void {
    this.#end = { ok, value };
    this.#disarm();
    if (this.#head < this.#buffer.length) return; // read first; the end follows
    for (const w of this.#waiters.splice(0)) this.#finish(w);
  }

  /** The gap timer runs while the producer holds credit and owes a value. */
  #arm(): void {
    if (this.#timer !== undefined || this.#gapTimeout === Number.POSITIVE_INFINITY) return;
    if (!this.#began || this.#end !== undefined || this.#closed) return;
    if (this.#granted <= this.#received) return;
    const gap = this.#gapTimeout;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#stop(new TaskTimeoutError(gap, 'gap'));
    }, gap);
  }

  #disarm(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
