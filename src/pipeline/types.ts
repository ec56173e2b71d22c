/**
 * The public types of `pipeline`: what a stage is, what flows between stages, and how the
 * item type of one stage's output becomes the next stage's input. Types only.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { Pool } from '../pool/pool.js';
import type { ThreadPool } from '../pool/thread-pool.js';
import type { TaskOptions } from '../scheduler/options.js';
import type { Channel } from '../sync/channel.js';
import type { HandlerInput, HandlerName, HandlerOutput } from '../task.js';

/** What every stage function receives besides its item. */
export interface StageContext {
  /** Aborts when the pipeline fails, is cancelled, or its consumer stops (and, on a pool, on the task's timeout). */
  readonly signal: AbortSignal;
  /** The item's position in this stage's input, from 0. */
  readonly index: number;
  /** 1 for the first attempt, 2 for the first retry (pool stages with `retries`). */
  readonly attempt: number;
}

/** A stage as a plain function: `(item, ctx) => value | Promise<value>`, run on the calling thread. */
export type StageFunction<I, O> = (item: I, context: StageContext) => O | PromiseLike<O>;

/** What a failing item becomes under `onError: 'dead-letter'`. */
export interface DeadLetter {
  /** The item the stage was given. */
  readonly item: unknown;
  /** What the stage threw (or the pool task's error: timeout, crash, ...). */
  readonly error: unknown;
  /** The stage's position in the pipeline, from 0 (a fan-out's branches count as one stage). */
  readonly stage: number;
  /** The stage's `name` option, if it has one. */
  readonly name?: string;
  /** The item's position in the stage's input, from 0. */
  readonly index: number;
}

/** Options every stage takes. */
export interface StageOptions {
  /** Items this stage works on at once. @default 1 (a function), the pool's `max` (a pool stage) */
  readonly concurrency?: number;
  /** Capacity of the channel this stage writes to (items done, waiting for the next stage). @default 16 */
  readonly buffer?: number;
  /** Keep input order (`true`) or pass items on as they finish. @default the pipeline's `ordered` */
  readonly ordered?: boolean;
  /** `'fail'` stops the pipeline; `'dead-letter'` sends the item to the dead letters and goes on. @default the pipeline's */
  readonly onError?: ErrorPolicy;
  /** A label for dead letters. */
  readonly name?: string;
}

export type ErrorPolicy = 'fail' | 'dead-letter';

/** Task options a pool stage passes through to the pool with every item. */
export type StageTaskOptions = Omit<TaskOptions, 'signal'>;

/** A stage run on an in-process `Pool`: each item is one task, with the pool's policies. */
export interface PoolStage<I, O> extends StageOptions, StageTaskOptions {
  readonly pool: Pool;
  readonly fn: StageFunction<I, O>;
}

/** A stage run on a `ThreadPool`: each item is the input of one `handler` task. */
export interface ThreadStage<M, K extends HandlerName<M>> extends StageOptions, StageTaskOptions {
  readonly pool: ThreadPool<M>;
  readonly handler: K;
  /** What to move, not copy, to the thread with each item (e.g. `(bytes) => [bytes.buffer]`). */
  readonly transfer?: (item: HandlerInput<M, K>) => readonly TransferListItem[];
}

declare const STAGE_TYPES: unique symbol;

/**
 * A stage made by `map`, `filter`, `flatMap`, `batch` or `fanOut`. Opaque: its input and
 * output types are all it shows.
 */
export interface Stage<I, O> {
  /** Phantom brand: carries the types; it does not exist at run time. */
  readonly [STAGE_TYPES]: (input: I) => O;
}

/** Anything `pipeline` accepts as a stage taking `I`. */
export type StageSpec<I> =
  | StageFunction<I, unknown>
  | Stage<I, unknown>
  | PoolStage<I, unknown>
  // biome-ignore lint/suspicious/noExplicitAny: any handler of any module; `CheckStage` checks the input.
  | ThreadStage<any, any>;

/** The item type a stage passes on. */
export type StageOutput<S> =
  S extends ThreadStage<infer M, infer K>
    ? HandlerOutput<M, K>
    : S extends Stage<never, infer O>
      ? O
      : S extends PoolStage<never, infer O>
        ? Awaited<O>
        : S extends (item: never, context: never) => infer R
          ? Awaited<R>
          : never;

/** A thread stage whose handler does not take `I` becomes `never`, so the call fails to type-check. */
export type CheckStage<I, S> =
  S extends ThreadStage<infer M, infer K> ? ([I] extends [HandlerInput<M, K>] ? S : never) : S;

/** Where a pipeline's items come from. */
export type Source<T> = Iterable<T> | AsyncIterable<T> | Channel<T>;
