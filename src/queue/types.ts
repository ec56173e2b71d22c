/**
 * What every task queue is: a dumb ordered container. Policy (what may start, when) lives in
 * the scheduler; a queue only answers "which item is next".
 */
export interface TaskQueue<T> {
  readonly size: number;
  push(item: T): void;
  /**
   * Removes and returns the next item, or `undefined` when empty. `eligible` lets the
   * scheduler hold back items of a key at its concurrency cap (fair queues only).
   */
  shift(eligible?: (key: string) => boolean): T | undefined;
  /** The item that has waited longest (for a drop-oldest overflow policy). */
  oldest(): T | undefined;
  /** The item that would run last (for a drop-lowest-priority overflow policy). */
  lowest(): T | undefined;
  /** Removes a specific item (cancellation, queue timeout); `false` if it was not queued. */
  remove(item: T): boolean;
  /** Removes every item, in dispatch order. */
  drain(): T[];
}

/** What a queue needs to know about an item to order it. */
export interface Rankable {
  /** Higher runs first. */
  readonly priority: number;
  /** Clock time at which the item was queued (for aging and FIFO among equals). */
  readonly enqueuedAt: number;
}

/** What a fair queue needs besides rank: whose item it is. */
export interface Keyed extends Rankable {
  /** A tenant, user, host...; `undefined` shares one default key. */
  readonly key: string | undefined;
}
