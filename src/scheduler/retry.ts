import { TaskCancelledError, TaskTimeoutError } from '../errors.js';
import type { MetricsSink } from '../types.js';
import * as v from '../validate.js';
import type { Backlog } from './backlog.js';
import type { Clock } from './clock.js';
import type { Emitter, SchedulerEvents } from './events.js';
import { DELAYED, type TaskRecord } from './task.js';

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

/** What retry bookkeeping needs of its scheduler. */
export interface RetryContext<P> {
  readonly clock: Clock;
  /** Holds the records waiting out a backoff. */
  readonly backlog: Backlog<P>;
  readonly metrics: MetricsSink;
  readonly events: Emitter<SchedulerEvents>;
  /** A task's name for metrics when it has none of its own. */
  readonly label: (payload: P) => string | undefined;
  /** Queues a record whose backoff has ended. */
  readonly requeue: (record: TaskRecord<P>) => void;
}

/**
 * The bookkeeping of tasks between attempts: the failed attempts' errors (for `annotate`),
 * the backoff timer (the record waits in the backlog meanwhile), the `retry` report, and a
 * timed-out attempt's retry held until its work has really stopped (an in-process function
 * that ignores its signal delays its own retry, so the concurrency limit stays real). Whether
 * and how long to wait is `retryDelay`'s call. State lives on the records (`extra`), so a
 * task that never fails costs nothing here.
 */
export class Retries<P> {
  readonly #c: RetryContext<P>;
  /** Set by terminate (and a close past its deadline): every failure is final from then. */
  #stopped = false;

  constructor(context: RetryContext<P>) {
    this.#c = context;
  }

  /** No retries from now on. */
  stop(): void {
    this.#stopped = true;
  }

  /** The delay before `record` runs again after `error`, or `undefined` to fail it now. */
  delayFor(record: TaskRecord<P>, error: unknown): number | undefined {
    const policy = record.options.retries;
    if (policy === undefined || this.#stopped) return undefined;
    return retryDelay(policy, error, record.attempt);
  }

  /** A timed-out attempt to retry after `delay`, once its work has stopped (`afterStopped`). */
  holdUntilStopped(record: TaskRecord<P>, error: unknown, delay: number): void {
    noteFailure(record, error);
    record.more.retryDelay = delay;
  }

  /** The attempt held by `holdUntilStopped` ended: schedule its retry (`delay`, as held). */
  afterStopped(record: TaskRecord<P>, delay: number): void {
    record.more.retryDelay = undefined;
    this.later(record, delay);
  }

  /** Drops a held retry (the task was cancelled while its attempt ran). */
  forget(record: TaskRecord<P>): void {
    if (record.extra !== undefined) record.extra.retryDelay = undefined;
  }

  /** Runs `record` again after `delay`; `error` is the failed attempt's, if not noted yet. */
  later(record: TaskRecord<P>, delay: number, error?: unknown): void {
    if (error !== undefined) noteFailure(record, error);
    const c = this.#c;
    const more = record.more;
    const failed = more.errors?.[more.errors.length - 1];
    c.metrics.retried(record.options.name ?? c.label(record.payload));
    c.events.emit('retry', {
      id: record.id,
      attempt: more.attempt,
      delayMs: delay,
      error: failed,
    });
    more.attempt++;
    more.controller = undefined; // a fresh signal for the next attempt
    more.admittedAt ??= record.since; // re-queueing moves `since` on
    record.state = DELAYED;
    c.backlog.delay(record);
    more.timer = c.clock.setTimeout(() => {
      more.timer = undefined;
      c.backlog.undelay(record);
      c.requeue(record);
    }, delay);
  }
}

function noteFailure<P>(record: TaskRecord<P>, error: unknown): void {
  const more = record.more;
  if (more.errors === undefined) more.errors = [error];
  else more.errors.push(error);
}
