import type { MetricsSink } from '../types.js';
import type { Backlog } from './backlog.js';
import type { Emitter, SchedulerEvents } from './events.js';
import { retryDelay } from './retry-policy.js';
import { DELAYED, type TaskRecord } from './task.js';
import type { Timers } from './timers.js';

/** What retry bookkeeping needs of its scheduler. */
export interface RetryContext<P> {
  /** Arms the backoff timer (its end comes back through the scheduler's `retryDue`). */
  readonly timers: Timers<P>;
  /** Holds the records waiting out a backoff. */
  readonly backlog: Backlog<P>;
  readonly metrics: MetricsSink;
  readonly events: Emitter<SchedulerEvents>;
  /** A task's name for metrics when it has none of its own. */
  readonly label: (payload: P) => string | undefined;
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
    record.ensureExtra().retryDelay = delay;
  }

  /** The attempt held by `holdUntilStopped` ended: schedule its retry (`delay`, as held). */
  afterStopped(record: TaskRecord<P>, delay: number): void {
    record.ensureExtra().retryDelay = undefined;
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
    const extra = record.ensureExtra();
    const failed = extra.errors?.[extra.errors.length - 1];
    c.metrics.retried(record.options.name ?? c.label(record.payload));
    c.events.emit('retry', {
      id: record.id,
      attempt: extra.attempt,
      delayMs: delay,
      error: failed,
    });
    extra.attempt++;
    extra.controller = undefined; // a fresh signal for the next attempt
    extra.admittedAt ??= record.since; // re-queueing moves `since` on
    record.state = DELAYED;
    c.backlog.delay(record);
    c.timers.retry(record, delay);
  }

  /** The backoff of `record` is over (its timer fired): it leaves the delayed ones. */
  due(record: TaskRecord<P>): void {
    this.#c.backlog.undelay(record);
  }
}

function noteFailure<P>(record: TaskRecord<P>, error: unknown): void {
  const extra = record.ensureExtra();
  if (extra.errors === undefined) extra.errors = [error];
  else extra.errors.push(error);
}
