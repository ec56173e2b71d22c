import type { TransferListItem } from 'node:worker_threads';
import type { ThreadEvents } from '../executors/thread/supervisor.js';
import type { ThreadPayload } from '../executors/thread/thread.js';
import { ThreadExecutor } from '../executors/thread/thread-executor.js';
import { Emitter } from '../scheduler/events.js';
import type { NormalizedTaskOptions, TaskOptions } from '../scheduler/options.js';
import type {
  Handler,
  HandlerInput,
  HandlerName,
  HandlerOutput,
  RunName,
  StreamName,
  StreamReturn,
  StreamValue,
} from '../task.js';
import type { Health } from '../types.js';
import * as v from '../validate.js';
import { type MapOptions, PoolBase } from './base.js';
import type { TaskStream } from './stream.js';
import { normalizeStreamOptions, type StreamOptions } from './stream-options.js';
import type { Task } from './task.js';
import { normalizeThreadPoolOptions, type ThreadPoolOptions } from './thread-options.js';

/** Options of one thread task: the scheduler's, plus what to move instead of copy. */
export interface ThreadTaskOptions extends TaskOptions {
  /** Objects in `input` to move to the thread (e.g. `[bytes.buffer]`); unusable here afterwards. */
  readonly transfer?: readonly TransferListItem[];
}

/** `run`'s arguments after the name: the input is optional when the handler accepts `undefined`. */
export type RunArgs<M, K extends HandlerName<M>> =
  undefined extends HandlerInput<M, K>
    ? [input?: HandlerInput<M, K>, options?: ThreadTaskOptions]
    : [input: HandlerInput<M, K>, options?: ThreadTaskOptions];

/** `stream`'s arguments after the name (see `RunArgs`). */
export type StreamArgs<M, K extends HandlerName<M>> =
  undefined extends HandlerInput<M, K>
    ? [input?: HandlerInput<M, K>, options?: ThreadStreamOptions]
    : [input: HandlerInput<M, K>, options?: ThreadStreamOptions];

/** Options of a thread stream: a stream's, plus what to move instead of copy. */
export interface ThreadStreamOptions extends StreamOptions {
  readonly transfer?: readonly TransferListItem[];
}

const threadTaskKeys: ReadonlySet<string> = new Set(['transfer']);

/**
 * A pool of worker threads for CPU-bound work. A task is a handler name and an input; the
 * handler is an export of the task module, run in a thread.
 *
 * ```ts
 * const pool = new ThreadPool<typeof import('./tasks.js')>({ module: new URL('./tasks.js', import.meta.url) });
 * const out = await pool.run('resize', bytes, { transfer: [bytes.buffer], timeout: 5000 });
 * await pool.close();
 * ```
 *
 * Queueing, priorities, timeouts, sizing, pause, stats and shutdown are the same scheduler
 * as `Pool`'s. A task past its timeout has its signal aborted; if it has not ended
 * `killGrace` ms later, its thread is terminated (other tasks on that thread reject
 * `WorkerCrashedError`) and a new thread started. A thread that dies is replaced. A module
 * that does not load is retried with backoff, then the pool turns unhealthy
 * (`stats().healthy`, the `health` event) and rejects tasks with `TaskModuleError`.
 */
export class ThreadPool<M = Record<string, Handler>> extends PoolBase<ThreadPayload> {
  readonly #executor: ThreadExecutor;
  /** Thread lifecycle: `online` (module loaded), `exit` (with why: retire, kill, close, crash). */
  readonly threads = new Emitter<ThreadEvents>();

  constructor(options: ThreadPoolOptions) {
    const o = normalizeThreadPoolOptions(options);
    let observer:
      | ((event: keyof ThreadEvents, e: ThreadEvents[keyof ThreadEvents]) => void)
      | undefined;
    const executor = new ThreadExecutor({
      ...o,
      timers: o.scheduler.clock,
      // `this` does not exist before `super()`: forward through a late-bound function.
      observer: (event, e) => observer?.(event, e),
    });
    // Per-name metrics: a thread task is labelled with its handler name.
    super(executor, o.scheduler, (task) => task.name);
    this.#executor = executor;
    observer = (event, e) => {
      if (this.threads.has(event)) this.threads.emit(event, e as never);
    };
  }

  /**
   * Resolves once the task module has loaded in a thread; rejects `TaskModuleError` if it
   * cannot load (after `loadRetries`; at once if a retry cannot help). With `minThreads: 0`
   * no thread starts before the first task, and neither does this resolve.
   */
  async ready(): Promise<void> {
    await this.handlers();
  }

  /** The task module's handlers (its function exports), once it has loaded; see `ready()`. */
  handlers(): Promise<readonly HandlerName<M>[]> {
    const known = (): readonly HandlerName<M>[] | undefined =>
      this.#executor.handlers as readonly HandlerName<M>[] | undefined;
    const now = known();
    if (now !== undefined) return Promise.resolve(now);
    if (!this.health.healthy) return Promise.reject(this.health.error);
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.threads.off('online', online);
        this.off('health', health);
      };
      const online = (): void => {
        const names = known();
        if (names === undefined) return;
        done();
        resolve(names);
      };
      const health = (h: Health): void => {
        if (h.healthy) return;
        done();
        reject(h.error);
      };
      this.threads.on('online', online);
      this.on('health', health);
    });
  }

  /** Runs handler `name` with `input` when a thread is free (waiting for queue room if needed). */
  run<K extends RunName<M>>(name: K, ...args: RunArgs<M, K>): Promise<HandlerOutput<M, K>> {
    const [input, options] = args;
    return this.runPayload(payload(name, input, options), this.#normalize(options));
  }

  /** Resolves with a `Task` once accepted, waiting while the queue is full. */
  submit<K extends RunName<M>>(
    name: K,
    ...args: RunArgs<M, K>
  ): Promise<Task<HandlerOutput<M, K>>> {
    const [input, options] = args;
    return this.submitPayload(payload(name, input, options), this.#normalize(options));
  }

  /** A `Task` if there is room now, else `undefined`. Never waits. Throws `PoolClosedError` once closed. */
  trySubmit<K extends RunName<M>>(
    name: K,
    ...args: RunArgs<M, K>
  ): Task<HandlerOutput<M, K>> | undefined {
    const [input, options] = args;
    return this.trySubmitPayload(payload(name, input, options), this.#normalize(options));
  }

  /**
   * Runs handler `name`, an async generator (or any function returning an async iterable),
   * and streams its values here as it yields them: the thread's generator runs only while
   * the caller reads (at most `window` values ahead; `transfer(value, list)` moves a value).
   * One thread slot for the stream's life. `break` (or `cancel()`, the signal, `timeout`,
   * `gapTimeout`) ends it: the generator's `finally` runs in the thread, and a thread that
   * does not end the stream within `killGrace` is killed, as for a run timeout.
   *
   * ```ts
   * for await (const line of threads.stream('lines', path, { gapTimeout: 5000 })) {}
   * ```
   */
  stream<K extends StreamName<M>>(
    name: K,
    ...args: StreamArgs<M, K>
  ): TaskStream<StreamValue<M, K>, StreamReturn<M, K>> {
    const [input, options] = args;
    const o = normalizeStreamOptions(options, threadTaskKeys);
    const base = payload(name, input, options);
    const executor = this.#executor;
    return this.streamPayload<StreamValue<M, K>, StreamReturn<M, K>>(
      (stream) => ({ ...base, stream }),
      o,
      (record, n) => {
        if (record !== undefined) executor.credit(record, n);
      },
    );
  }

  /**
   * Task options, and one rule across them: transferred input cannot be retried. The
   * first attempt moves it to its thread, so a retry would get a detached buffer.
   */
  #normalize(options: ThreadTaskOptions | undefined): NormalizedTaskOptions {
    const o = this.normalize(options, threadTaskKeys);
    if (options?.transfer !== undefined && o.retries !== undefined && o.retries.attempts > 0)
      throw new TypeError(
        "Expected `retries` to be unset with `transfer`: transferred input moves to the first attempt's thread, so a retry would get a detached buffer (pass a copy, or do not transfer)",
      );
    return o;
  }

  /**
   * Runs handler `name` over `source`, lazily (about `maxThreads * concurrentTasksPerThread`
   * items are pulled ahead). Stops, cancelling what runs, at the first error or when the
   * consumer breaks out.
   */
  map<K extends RunName<M>>(
    name: K,
    source: Iterable<HandlerInput<M, K>> | AsyncIterable<HandlerInput<M, K>>,
    options?: MapOptions,
  ): AsyncIterableIterator<HandlerOutput<M, K>> {
    v.string('name', name);
    return this.mapPayloads(source, (input) => ({ name, input, transfer: undefined }), options);
  }
}

function payload(
  name: string,
  input: unknown,
  options: ThreadTaskOptions | undefined,
): ThreadPayload {
  v.string('name', name);
  const transfer = options?.transfer;
  if (transfer !== undefined) v.array('transfer', transfer);
  const prior = (options as { readonly [priorAttempts]?: number } | undefined)?.[priorAttempts];
  return prior === undefined ? { name, input, transfer } : { name, input, transfer, prior };
}

/**
 * A task option for integrations (src/internal.ts), not the public API: attempts made
 * elsewhere before this task (a distributed job's earlier attempts), so the handler's
 * `ctx.attempt` counts on from them. A symbol, so option checks do not see it.
 */
export const priorAttempts: unique symbol = Symbol('workpool.priorAttempts');
