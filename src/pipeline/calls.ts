/**
 * How a stage's work is called: a plain function on the calling thread, a function as a task
 * on a `Pool`, or a handler as a task on a `ThreadPool`. Pool stages pass the pipeline's
 * signal with every task, so the pipeline's failure or cancellation cancels queued tasks and
 * aborts running ones, and the stage's task options (timeout, retries, priority, key).
 */
import type { TransferListItem } from 'node:worker_threads';
import type { Pool } from '../pool/pool.js';
import type { ThreadPool } from '../pool/thread-pool.js';
import type { TaskOptions } from '../scheduler/options.js';
import type { Call, Invoke } from './map-step.js';
import type { StageContext, StageFunction } from './types.js';

type AnyFunction = StageFunction<unknown, unknown>;

/** A plain function. One declared without a second parameter gets no context (none is made). */
export function functionCall(fn: AnyFunction): Call {
  return {
    defaultConcurrency: 1,
    bind(signal: AbortSignal): Invoke {
      if (fn.length < 2) return fn as (item: unknown) => unknown;
      return (item, index) => fn(item, { signal, index, attempt: 1 });
    },
  };
}

/** Each item is one `pool.run` task. */
export function poolCall(pool: Pool, fn: AnyFunction, task: TaskOptions): Call {
  return {
    defaultConcurrency: pool.stats().concurrency.max,
    bind(signal: AbortSignal): Invoke {
      const options = { ...task, signal };
      return (item, index) =>
        pool.run(
          (context) =>
            fn(item, {
              signal: context.signal,
              index,
              attempt: context.attempt,
            } satisfies StageContext),
          options,
        );
    },
  };
}

/** Each item is the input of one `threads.run(handler, item)` task. */
export function threadCall(
  pool: ThreadPool,
  handler: string,
  task: TaskOptions,
  transfer: ((item: unknown) => readonly TransferListItem[]) | undefined,
): Call {
  return {
    defaultConcurrency: pool.stats().concurrency.max,
    bind(signal: AbortSignal): Invoke {
      const options = { ...task, signal };
      if (transfer === undefined) return (item) => pool.run(handler, item, options);
      return (item) => pool.run(handler, item, { ...options, transfer: transfer(item) });
    },
  };
}
