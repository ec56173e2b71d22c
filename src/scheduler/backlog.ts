import { FairQueue } from '../queue/fair.js';
import { PriorityQueue } from '../queue/priority.js';
import type { TaskQueue } from '../queue/types.js';
import { RingBuffer } from '../sync/ring-buffer.js';
import { overflowVictim } from './admission.js';
import type { NormalizedSchedulerOptions } from './options.js';
import { DELAYED, type TaskRecord } from './task.js';

/** What the backlog reads of the scheduler's options. */
export type BacklogOptions = Pick<
  NormalizedSchedulerOptions,
  'agingInterval' | 'weights' | 'maxPerKey'
>;

/**
 * The accepted work not in the executor's hands: the task queue, the records the executor
 * gave back without beginning them, and the records waiting out a retry backoff. A
 * container: the scheduler sets each record's state and decides what starts and when.
 *
 * Given-back records go before the queue (they were chosen from it already). Their thread
 * dying is rare, so they are a plain array.
 *
 * The queue is a priority queue (with aging) until the first keyed task, then a fair queue
 * (deficit round robin), so unkeyed pools pay nothing for fair share. It is fair from the
 * start when weights or a per-key cap are set.
 */
export class Backlog<P> {
  readonly #agingInterval: number;
  readonly #weights: ReadonlyMap<string, number> | undefined;
  #queue: TaskQueue<TaskRecord<P>>;
  readonly #returned = new RingBuffer<TaskRecord<P>>();
  readonly #delayed = new Set<TaskRecord<P>>();

  constructor(options: BacklogOptions) {
    this.#agingInterval = options.agingInterval;
    this.#weights = options.weights;
    this.#queue =
      options.weights !== undefined || options.maxPerKey !== Number.POSITIVE_INFINITY
        ? this.#fairQueue()
        : new PriorityQueue<TaskRecord<P>>(options.agingInterval);
  }

  /** Records waiting for a worker: queued or given back (not the delayed ones). */
  get size(): number {
    return this.#queue.size + this.#returned.size;
  }

  /** Records waiting out a retry backoff. */
  get delayed(): number {
    return this.#delayed.size;
  }

  /** Queues a record in dispatch order; the first keyed one turns the queue fair. */
  push(record: TaskRecord<P>): void {
    if (record.options.key !== undefined && !(this.#queue instanceof FairQueue)) {
      const fair = this.#fairQueue();
      for (const queued of this.#queue.drain()) fair.push(queued);
      this.#queue = fair;
    }
    this.#queue.push(record);
  }

  /** Keeps a record the executor gave back: it goes before the queue. */
  giveBack(record: TaskRecord<P>): void {
    this.#returned.push(record);
  }

  /** Holds a record for its retry backoff. */
  delay(record: TaskRecord<P>): void {
    this.#delayed.add(record);
  }

  /** Ends a record's backoff (it is queued again or settles). */
  undelay(record: TaskRecord<P>): void {
    this.#delayed.delete(record);
  }

  /**
   * The next record to start: a given-back one, else the queue's next whose key is
   * `eligible` (fair queues; `undefined`: any). `undefined` when none may start.
   */
  shift(eligible?: (key: string) => boolean): TaskRecord<P> | undefined {
    if (this.#returned.size > 0) return this.#returned.shift();
    return this.#queue.shift(eligible);
  }

  /** Takes out a waiting record (QUEUED or DELAYED), wherever it waits. */
  remove(record: TaskRecord<P>): void {
    if (record.state === DELAYED) this.#delayed.delete(record);
    else if (!this.#queue.remove(record)) this.#returned.remove(record);
  }

  /** The queued record a drop overflow `policy` evicts for a newcomer of `priority`, if any. */
  victim(
    policy: NormalizedSchedulerOptions['overflow'],
    priority: number,
  ): TaskRecord<P> | undefined {
    return overflowVictim(policy, this.#queue, priority);
  }

  /** Empties the queue (records given back first), in dispatch order; delayed ones stay. */
  takeQueued(): TaskRecord<P>[] {
    return this.#returned.drain().concat(this.#queue.drain());
  }

  /** The delayed records, as a copy (safe to iterate while they leave). */
  delayedRecords(): TaskRecord<P>[] {
    return [...this.#delayed];
  }

  #fairQueue(): FairQueue<TaskRecord<P>> {
    const weights = this.#weights;
    return new FairQueue<TaskRecord<P>>(this.#agingInterval, (key) => weights?.get(key) ?? 1);
  }
}
