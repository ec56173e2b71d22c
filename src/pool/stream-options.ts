import {
  type NormalizedTaskOptions,
  normalizeTaskOptions,
  type TaskOptions,
} from '../scheduler/options.js';
import * as v from '../validate.js';

/** Options of one streaming task (`pool.stream`, `threads.stream`): a task's, plus its flow. */
export interface StreamOptions extends TaskOptions {
  /**
   * Values the producer may send ahead of the caller: the generator waits at its `yield`
   * once it is this many values ahead of what the caller has read.
   * @default 16
   */
  readonly window?: number;
  /**
   * Most ms to wait for the next value while the producer may send one (from its begin, its
   * last value, or the moment the caller's reading gave it credit again); then the stream
   * ends with `TaskTimeoutError` (phase `'gap'`), as a run timeout does. `timeout` bounds the
   * whole stream. @default Infinity
   */
  readonly gapTimeout?: number;
}

export interface NormalizedStreamOptions {
  readonly task: NormalizedTaskOptions;
  readonly window: number;
  readonly gapTimeout: number;
}

export const streamDefaults = Object.freeze({ window: 16, gapTimeout: Number.POSITIVE_INFINITY });

const streamKeys: ReadonlySet<string> = new Set(['window', 'gapTimeout']);

/**
 * Pure: checks a stream's options (`extraKeys`: a facade's own, e.g. `transfer`). `retries`
 * is refused: values a failed attempt already delivered cannot be taken back by a retry.
 */
export function normalizeStreamOptions(
  options: StreamOptions | undefined,
  extraKeys?: ReadonlySet<string>,
): NormalizedStreamOptions {
  const keys = extraKeys === undefined ? streamKeys : new Set([...streamKeys, ...extraKeys]);
  const task = normalizeTaskOptions(options, keys);
  if (task.retries !== undefined && task.retries.attempts > 0)
    throw new TypeError(
      'Expected `retries` to be unset for a stream: the values a failed attempt already delivered cannot be taken back by a retry',
    );
  return {
    task,
    window:
      options?.window === undefined
        ? streamDefaults.window
        : v.integer('window', options.window, 1),
    gapTimeout:
      options?.gapTimeout === undefined
        ? streamDefaults.gapTimeout
        : v.number('gapTimeout', options.gapTimeout, 0, true),
  };
}
