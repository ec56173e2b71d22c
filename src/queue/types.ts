/**
 * What every task queue is: a dumb ordered container. Policy (what may start, when) lives in
 * the scheduler; a queue only answers "which item is next".
 */
export interface TaskQueue<T> {
  readonly size: number;
  push(item: T): void;
  /** Removes and returns the next item, or `undefined` when empty. */
  shift(): T | undefined;
  /** The next item without removing it. */
  peek(): T | undefined;
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
