/**
 * The retry policy as pure functions: `normalizeRetry` (the `retries` option),
 * `retryDelay` (whether and when to try again) and `annotate` (the final error). Imports
 * no scheduler module, so the options normaliser can use it (retry.ts keeps the
 * bookkeeping between attempts).
 */
import { TaskCancelledError, TaskTimeoutError } from '../errors.js';
import * as v from '../validate.js';

/** How a failed task is tried again. */
export interface RetryPolicy {
  /** Retries after the first attempt (so `attempts: 2` runs a task at most 3 times). */
  readonly attempts: number;
  /**
   * Delay before retry n (1-based): `'exponential'` (delay * 2^(n-1), the default),
   * `'fixed'` (delay), or a function of the retry number and the error.
   */
  readonly backoff?: 'exponential' | 'fixed' | ((retry: number, error: unknown) => number);
  /** Base delay in ms. @default 100 */
  readonly delay?: number;
  /** Cap on any one delay in ms. @default 30_000 */
  readonly maxDelay?: number;
  /**
   * Random spread: `true` or `'full'` picks uniformly in [0, delay] (AWS "full jitter"),
   * a number in (0, 1] spreads by that fraction around the delay. @default false
   */
  readonly jitter?: boolean | 'full' | number;
  /**
   * Whether an error is worth retrying. By default every error is, except timeouts and
   * cancellations: a timeout is retried only when `retryIf` says so; a cancellation never.
   */
  readonly retryIf?: (error: unknown, attempt: number) => boolean;
}

export interface NormalizedRetry {
  readonly attempts: number;
  readonly backoff: 'exponential' | 'fixed' | ((retry: number, error: unknown) => number);
  readonly delay: number;
  readonly maxDelay: number;
  readonly jitter: number;
  readonly retryIf: ((error: unknown, attempt: number) => boolean) | undefined;
}

const keys = new Set(['attempts', 'backoff', 'delay', 'maxDelay', 'jitter', 'retryIf']);

/** Pure: checks `retries` (a count or a policy). */
export function normalizeRetry(value: unknown): NormalizedRetry | undefined {
  if (value === undefined || value === 0) return undefined;
  if (typeof value === 'number') return normalizeRetry({ attempts: value });
  const o = v.object('retries', value);
  v.knownKeys('retries', o, keys);
  const backoff = o.backoff ?? 'exponential';
  if (backoff !== 'exponential' && backoff !== 'fixed' && typeof backoff !== 'function') {
    throw new TypeError(
      `Expected \`retries.backoff\` to be 'exponential', 'fixed' or a function, got ${v.describe(backoff)}`,
    );
  }
  const jitter = o.jitter ?? false;
  let spread: number;
  if (jitter === true || jitter === 'full') spread = 1;
  else if (jitter === false) spread = 0;
  else spread = v.number('retries.jitter', jitter, 0);
  if (spread > 1)
    throw new RangeError(`Expected \`retries.jitter\` to be at most 1, got ${v.describe(jitter)}`);
  return Object.freeze({
    attempts: v.integer('retries.attempts', o.attempts, 0),
    backoff: backoff as NormalizedRetry['backoff'],
    delay: o.delay === undefined ? 100 : v.number('retries.delay', o.delay, 0),
    maxDelay: o.maxDelay === undefined ? 30_000 : v.number('retries.maxDelay', o.maxDelay, 0, true),
    jitter: jitter === true || jitter === 'full' ? -1 : spread,
    retryIf:
      o.retryIf === undefined
        ? undefined
        : (v.fn('retries.retryIf', o.retryIf) as NormalizedRetry['retryIf']),
  });
}

/**
 * Pure (given `random`): the delay before trying again after `attempt` failed with
 * `error`, or `undefined` when the task should fail now.
 */
export function retryDelay(
  policy: NormalizedRetry,
  error: unknown,
  attempt: number,
  random: () => number = Math.random,
): number | undefined {
  if (attempt > policy.attempts) return undefined;
  if (error instanceof TaskCancelledError) return undefined;
  const wanted =
    policy.retryIf === undefined
      ? !(error instanceof TaskTimeoutError)
      : policy.retryIf(error, attempt);
  if (!wanted) return undefined;
  const base =
    policy.backoff === 'fixed'
      ? policy.delay
      : policy.backoff === 'exponential'
        ? policy.delay * 2 ** (attempt - 1)
        : policy.backoff(attempt, error);
  const capped = Math.min(
    policy.maxDelay,
    Math.max(0, Number.isFinite(base) ? base : policy.maxDelay),
  );
  if (policy.jitter === -1) return random() * capped;
  if (policy.jitter === 0) return capped;
  return Math.min(policy.maxDelay, Math.max(0, capped * (1 + policy.jitter * (2 * random() - 1))));
}

/**
 * A task that failed after retries rejects with its last error, which gains `attempts`
 * and `errors` (the earlier attempts' errors), as p-retry does; frozen or primitive errors
 * are left as they are.
 */
export function annotate(error: unknown, attempts: number, errors: unknown[]): void {
  if (typeof error !== 'object' || error === null || !Object.isExtensible(error)) return;
  const earlier = errors.filter((e) => e !== error);
  Object.defineProperty(error, 'attempts', { value: attempts, configurable: true, writable: true });
  Object.defineProperty(error, 'errors', { value: earlier, configurable: true, writable: true });
}
