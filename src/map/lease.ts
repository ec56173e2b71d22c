import type { TaskContext, TaskFunction } from '../executors/inline.js';
import type { TaskRecord } from '../scheduler/scheduler.js';
import type { MeteredItem } from './meter.js';

// One slot a pool.map holds (see leases.ts), and the context of an item run on it.

/** Asked for, not begun. */
export const REQUESTED = 0;
/** Holds a slot, runs nothing. */
export const IDLE = 1;
/** Runs an item. */
export const BUSY = 2;
/** Ended: the slot went back to the pool. */
export const RELEASED = 3;

/** Passes on an item's progress report (leases.ts). */
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
 * map lets it go. Its function returns a promise that `end()` resolves: whatever runs the
 * task frees the slot when that promise settles, as for any async task.
 */
export class Lease implements MeteredItem {
  state = REQUESTED;
  /** Began and has run no item yet. */
  fresh = false;
  record: TaskRecord<TaskFunction> | undefined;
  /** The context of the running item, when the mapper takes one (BUSY). */
  context: ItemContext | undefined;
  /** The map slot of the running item (BUSY). */
  slot = 0;
  /** The running item, as meter.ts tracks it. */
  itemId = 0;
  itemWait = 0;
  itemBegan = 0;
  #end: (() => void) | undefined;
  #ended = false;
  readonly payload: TaskFunction;
  /** Settle callbacks of this lease's async items, made once per lease (not per item). */
  readonly onValue: (value: unknown) => void;
  readonly onError: (error: unknown) => void;

  constructor(
    began: (lease: Lease) => void,
    done: (lease: Lease, ok: boolean, value: unknown) => void,
  ) {
    this.onValue = (value) => done(this, true, value);
    this.onError = (error) => done(this, false, error);
    this.payload = () => {
      began(this);
      if (this.#ended) return undefined;
      return new Promise<void>((resolve) => {
        this.#end = resolve;
      });
    };
  }

  /** Ends the scheduler task: its slot goes back to the pool. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const end = this.#end;
    this.#end = undefined;
    end?.();
  }
}
