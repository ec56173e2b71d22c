import { isThenable } from '../thenable.js';
import type { Executor, ExecutorHooks, Job } from '../types.js';

/** What an in-process task function receives. */
export interface TaskContext {
  /** Aborts on cancel, timeout and terminate. Check it, or pass it to `fetch` and friends. */
  readonly signal: AbortSignal;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /**
   * Reports progress to the caller (the task's `onProgress`, the pool's `progress` event),
   * synchronously; reports after the task settled are dropped.
   */
  progress(value: unknown): void;
}

/**
 * An in-process task: any function, sync or async. A function declared with no parameters
 * (`fn.length === 0`, which includes `(...args) => …`) is called without a context.
 */
export type TaskFunction<R = unknown> = (context: TaskContext) => R | PromiseLike<R>;

class Context implements TaskContext {
  readonly #job: Job<TaskFunction>;
  readonly #hooks: ExecutorHooks<TaskFunction>;
  constructor(job: Job<TaskFunction>, hooks: ExecutorHooks<TaskFunction>) {
    this.#job = job;
    this.#hooks = hooks;
  }
  progress(value: unknown): void {
    this.#hooks.progress(this.#job, value);
  }
  get signal(): AbortSignal {
    return this.#job.signal;
  }
  get attempt(): number {
    return this.#job.attempt;
  }
}

/**
 * Runs task functions on the calling thread. A "worker" is a concurrency slot. A function
 * that returns a plain value finishes synchronously (no promise is made for it).
 * `stop` can do nothing by force: the aborted signal is the only lever, and the slot stays
 * busy until the function settles, so the concurrency limit is real.
 */
export class InlineExecutor implements Executor<TaskFunction> {
  readonly perWorker = 1;
  #workers = 0;
  #busy = 0;
  #hooks: ExecutorHooks<TaskFunction> | undefined = undefined;

  bind(hooks: ExecutorHooks<TaskFunction>): void {
    this.#hooks = hooks;
  }

  get workers(): number {
    return this.#workers;
  }

  get free(): number {
    return this.#workers > this.#busy ? this.#workers - this.#busy : 0;
  }

  resize(workers: number): void {
    this.#workers = workers;
  }

  /** Accepts only what it can run at once, so a job begins as it starts. */
  start(job: Job<TaskFunction>): void {
    this.#busy++;
    const hooks = this.#hooks as ExecutorHooks<TaskFunction>; // bound before any start
    hooks.began(job);
    let result: unknown;
    try {
      // A function declared without parameters gets no context object (one allocation less).
      const fn = job.payload;
      result = fn.length === 0 ? (fn as () => unknown)() : fn(new Context(job, hooks));
    } catch (error) {
      this.#end(job, false, error);
      return;
    }
    if (!isThenable(result)) {
      this.#end(job, true, result);
      return;
    }
    // Promise.resolve adopts a foreign thenable safely: a `then` that throws rejects, and
    // one that calls back more than once counts once (a native promise is used as it is).
    Promise.resolve(result).then(
      (value) => this.#end(job, true, value),
      (error: unknown) => this.#end(job, false, error),
    );
  }

  #end(job: Job<TaskFunction>, ok: boolean, value: unknown): void {
    this.#busy--;
    (this.#hooks as ExecutorHooks<TaskFunction>).finished(job, ok, value);
  }

  stop(): void {}

  async close(): Promise<void> {
    this.#workers = 0;
  }
}
