import { Credit, drive, isStreamable } from '../executors/drive.js';
import { InlineExecutor, type TaskContext, type TaskFunction } from '../executors/inline.js';
import type { Mapper } from '../map/leases.js';
import {
  normalizeSchedulerOptions,
  type SchedulerOptions,
  schedulerOptionKeys,
  type TaskOptions,
} from '../scheduler/options.js';
import * as v from '../validate.js';
import { type MapOptions, PoolBase } from './base.js';
import type { TaskStream } from './stream.js';
import { normalizeStreamOptions, type StreamOptions } from './stream-options.js';
import type { Task } from './task.js';

/** What a generator function streams: the values of the (async) iterable it returns. */
export type YieldOf<G> =
  G extends AsyncIterable<infer T> ? T : G extends Iterable<infer T> ? T : never;
/** A generator's return value (`result` of its stream). */
export type ReturnOf<G> = G extends AsyncGenerator<unknown, infer R> | Generator<unknown, infer R>
  ? R
  : undefined;

export type PoolOptions = SchedulerOptions;

/**
 * A pool for I/O-bound async functions, run on the calling thread: at most `concurrency`
 * run at once, the rest wait in a bounded priority queue.
 *
 * ```ts
 * const pool = new Pool({ concurrency: 8, maxQueue: 1000 });
 * const body = await pool.run(({ signal }) => fetch(url, { signal }), { timeout: 2000 });
 * await pool.close();
 * ```
 *
 * A timed-out function has its `signal` aborted and its caller gets `TaskTimeoutError` at
 * the deadline; a function that ignores the signal keeps its slot until it settles.
 */
export class Pool extends PoolBase<TaskFunction> {
  constructor(options: PoolOptions = {}) {
    v.knownKeys('', v.object('options', options), new Set(schedulerOptionKeys));
    super(new InlineExecutor(), normalizeSchedulerOptions(options));
  }

  /** Runs `fn` when a worker is free (waiting for queue room if needed); resolves with its result. */
  run<R>(fn: TaskFunction<R>, options?: TaskOptions): Promise<R> {
    v.fn('fn', fn);
    return this.runPayload<R>(fn as TaskFunction, this.normalize(options));
  }

  /** Resolves with a `Task` once accepted, waiting while the queue is full. */
  submit<R>(fn: TaskFunction<R>, options?: TaskOptions): Promise<Task<R>> {
    v.fn('fn', fn);
    return this.submitPayload<R>(fn as TaskFunction, this.normalize(options));
  }

  /** A `Task` if there is room now, else `undefined`. Never waits. Throws `PoolClosedError` once closed. */
  trySubmit<R>(fn: TaskFunction<R>, options?: TaskOptions): Task<R> | undefined {
    v.fn('fn', fn);
    return this.trySubmitPayload<R>(fn as TaskFunction, this.normalize(options));
  }

  /**
   * Maps `source` through `fn` on the pool, lazily: about `concurrency` items are pulled
   * ahead of the consumer. Stops (and cancels what runs) at the first error or when the
   * consumer breaks out.
   */
  map<T, R>(
    source: Iterable<T> | AsyncIterable<T>,
    fn: (item: T, context: TaskContext) => R | PromiseLike<R>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>> {
    v.fn('fn', fn);
    // A mapper that takes no context gets a task without one (see InlineExecutor.start).
    const toPayload =
      fn.length < 2
        ? (item: T) => () => (fn as (item: T) => R | PromiseLike<R>)(item)
        : (item: T) => (context: TaskContext) => fn(item, context);
    return this.mapPayloads<T, Awaited<R>>(source, toPayload, options, fn as Mapper);
  }

  /**
   * Runs an async generator function as one task and streams its values to the caller:
   * the generator runs only while the caller reads (at most `window` values ahead), and
   * holds one worker for its whole life. `break` (or `cancel()`, the signal, `timeout`,
   * `gapTimeout`) ends it; its `finally` runs (after its current step: see TaskStream).
   *
   * ```ts
   * for await (const row of pool.stream(async function* ({ signal }) { yield* rows(signal); })) {}
   * ```
   */
  stream<G extends AsyncIterable<unknown> | Iterable<unknown>>(
    fn: (context: TaskContext) => G,
    options?: StreamOptions,
  ): TaskStream<YieldOf<G>, ReturnOf<G>> {
    v.fn('fn', fn);
    const o = normalizeStreamOptions(options);
    const credit = new Credit();
    return this.streamPayload<YieldOf<G>, ReturnOf<G>>(
      (stream) => (context: TaskContext) => {
        stream.began();
        const source: unknown = fn(context);
        if (!isStreamable(source))
          throw new TypeError(
            `Expected the function of a stream to return an async iterable (an async generator), got ${v.describe(source)}`,
          );
        const signal = context.signal;
        const stop = (): void => credit.stop();
        signal.addEventListener('abort', stop, { once: true });
        return drive(source, credit, (value) => stream.value(value as YieldOf<G>)).finally(() =>
          signal.removeEventListener('abort', stop),
        );
      },
      o,
      (_record, n) => credit.add(n),
    );
  }
}
