import type { Clock } from './clock.js';
import type { TaskRecord } from './task.js';

/** What the scheduler does when a record's timer fires. */
export interface TimerHooks<P> {
  /** The record waited its whole `queueTimeout` (`ms`) without beginning. */
  queueTimedOut(record: TaskRecord<P>, ms: number): void;
  /** The record's attempt ran its whole `timeout` (`ms`). */
  runTimedOut(record: TaskRecord<P>, ms: number): void;
  /** The record's retry backoff is over: queue it again. */
  retryDue(record: TaskRecord<P>): void;
}

/**
 * The one owner of a task's timers, all on the scheduler's clock: the queue timeout (armed
 * when a record starts to wait), the run timeout (armed when its attempt begins) and the
 * retry backoff (armed between attempts). A record has at most one timer at a time, kept in
 * `extra.timer`: arming one clears the one before, and `clear` is called on every way out
 * of the state that armed it (begin, the attempt's end, settlement). A timer that fires
 * forgets itself before it calls its hook, so the hook may arm the next one.
 */
export class Timers<P> {
  readonly #clock: Clock;
  readonly #hooks: TimerHooks<P>;

  constructor(clock: Clock, hooks: TimerHooks<P>) {
    this.#clock = clock;
    this.#hooks = hooks;
  }

  /** A record starts to wait: arms its `queueTimeout`, unless that is infinite. */
  queue(record: TaskRecord<P>): void {
    const ms = record.options.queueTimeout;
    if (ms === Number.POSITIVE_INFINITY) return;
    this.#arm(record, ms, () => this.#hooks.queueTimedOut(record, ms));
  }

  /** A record's attempt begins: arms its run `timeout`, unless that is infinite. */
  run(record: TaskRecord<P>): void {
    const ms = record.options.timeout;
    if (ms === Number.POSITIVE_INFINITY) return;
    this.#arm(record, ms, () => this.#hooks.runTimedOut(record, ms));
  }

  /** A record waits `delay` ms before its next attempt. */
  retry(record: TaskRecord<P>, delay: number): void {
    this.#arm(record, delay, () => this.#hooks.retryDue(record));
  }

  /** Clears the record's timer, whichever it is (nothing if none). */
  clear(record: TaskRecord<P>): void {
    const extra = record.extra;
    if (extra?.timer === undefined) return;
    this.#clock.clearTimeout(extra.timer);
    extra.timer = undefined;
  }

  #arm(record: TaskRecord<P>, ms: number, fire: () => void): void {
    this.clear(record);
    const extra = record.ensureExtra();
    extra.timer = this.#clock.setTimeout(() => {
      extra.timer = undefined;
      fire();
    }, ms);
  }
}
