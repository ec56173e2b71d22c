import type { TaskContext, TaskFunction } from '../executors/inline.js';
import type { TaskRecord } from '../scheduler/scheduler.js';
import type { MeteredItem } from './map-meter.js';

// One slot a pool.map holds (see map-leases.ts), and the context of an item run on it.

/** Asked for, not begun. */
export const REQUESTED = 0;
/** Holds a slot, runs nothing. */
export const IDLE = 1;
/** Runs an item. */
export const BUSY = 2;
/** Ended: the slot went back to the pool. */
export const RELEASED = 3;

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Passes on an item's progress report (map-leases.ts). */
export type ItemProgress = (id: number, value: unknown) => void;

/** The context of one item run on a lease: its signal is made on first use. */
export class ItemContext implements TaskContext {
  readonly attempt = 1;
  #controller: AbortController | undefined;
  #reason: unknown;
  #aborted = false;
  readonly #lease: Lease | undefined;
  readonly #report: ItemProgress | undefined;
  constructor(lease?: Lease, report?: ItemProgress) {
    this.#lease = lease;
    this.#report = report;
  }
  /** Passed on only while this item still runs on its lease (see TaskContext). */
  progress(value: unknown): void {
    const lease = this.#lease;
    if (lease !== undefined && lease.context === this) this.#report?.(lease.itemId, value);
  }
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

/**
 * One pool slot held by a map: a scheduler task that begins like any other (so it waits
 * its turn by priority, under pause and the concurrency limit) and ends only when the
 * map lets it go. Its function returns this object as a thenable, so the executor's
 * `then` hands us the function that ends the task: a release is synchronous.
 */
export class Lease implements MeteredItem {
  state = REQUESTED;
  /** Began and has run no item yet. */
  fresh = false;
  record: TaskRecord<TaskFunction> | undefined;
  /** The item running on this lease (BUSY). */
  context: ItemContext | undefined;
  /** The running item, as map-meter.ts tracks it. */
  itemId = 0;
  itemWait = 0;
  itemBegan = 0;
  itemCounted = false;
  #end: ((value: unknown) => void) | undefined;
  #ended = false;
  readonly payload: TaskFunction;

  constructor(began: (lease: Lease) => void) {
    this.payload = () => {
      began(this);
      return this;
    };
  }

  // The InlineExecutor calls this once with its completion callbacks.
  // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, so ending the task is synchronous.
  then(resolve: (value: unknown) => void): void {
    if (this.#ended) resolve(undefined);
    else this.#end = resolve;
  }

  /** Ends the scheduler task: the slot is free (the executor learns it synchronously). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const end = this.#end;
    this.#end = undefined;
    end?.(undefined);
  }
}
