import { QueueFullError, TaskCancelledError } from '../errors.js';
import type { NormalizedTaskOptions } from '../scheduler/options.js';
import type { Scheduler, TaskRecord } from '../scheduler/scheduler.js';
import { RingBuffer } from '../sync/ring-buffer.js';
import type { LeaseHost, Leases } from './leases.js';

/** `#take`'s answer when the map failed. */
const FAILED = Symbol('failed');

const EMPTY = 0;
const PENDING = 1;
const OK = 2;

/**
 * The iterator behind `pool.map`: pulls the source lazily, keeping at most `window` items
 * between the source and the consumer (running, or done and not yet consumed), and yields
 * results in input order (`ordered`) or as they finish.
 *
 * On the first failure, or when the consumer stops early (`break`, `return()`), it stops
 * pulling, cancels the tasks still in flight and closes the source.
 *
 * Items run as one scheduler task each, or, given `leases` (the in-process Pool's fast
 * path, see leases.ts), inline on pool slots the map holds: the window, order,
 * failure and stopping rules are the same either way.
 *
 * Over ~300 lines on purpose: pulling, the window, both orders, failure and stopping act
 * on the same slots, and each rule is stated once here for every item, leased or not.
 */
export class MapIterator<T, R, P> implements AsyncIterableIterator<R> {
  readonly #scheduler: Scheduler<P>;
  readonly #toPayload: (item: T) => P;
  readonly #options: NormalizedTaskOptions;
  readonly #ordered: boolean;
  readonly #window: number;
  #source: Iterator<T> | AsyncIterator<T> | undefined;
  #sync: boolean;
  /** Per slot (index % window): state, settled value, and the record while in flight. */
  readonly #state: Uint8Array;
  readonly #values: unknown[];
  readonly #records: (TaskRecord<P> | undefined)[];
  readonly #sinks: ((ok: boolean, value: unknown) => void)[];
  /** Unordered mode: finished slots in finishing order. */
  readonly #finished = new RingBuffer<number>();
  #pulled = 0;
  #emitted = 0;
  #pulling = false;
  #pumping = false;
  #sourceDone = false;
  #stopped = false;
  #error: { readonly error: unknown } | undefined;
  #consumer: { resolve: (r: IteratorResult<R>) => void; reject: (e: unknown) => void } | undefined;
  readonly #leases: Leases | undefined;

  constructor(
    scheduler: Scheduler<P>,
    source: Iterable<T> | AsyncIterable<T>,
    toPayload: (item: T) => P,
    options: NormalizedTaskOptions,
    ordered: boolean,
    window: number,
    leases?: (host: LeaseHost) => Leases,
  ) {
    this.#scheduler = scheduler;
    this.#toPayload = toPayload;
    this.#options = options;
    this.#ordered = ordered;
    this.#window = window;
    this.#state = new Uint8Array(window);
    this.#values = new Array(window);
    this.#records = new Array(window);
    // One settle callback per slot, made once: no closure per item.
    this.#sinks = Array.from(
      { length: window },
      (_, slot) => (ok: boolean, value: unknown) => this.#settle(slot, ok, value),
    );
    this.#leases = leases?.({
      settle: (slot, ok, value) => this.#settle(slot, ok, value),
      fail: (error) => this.#fail(error),
      pump: () => this.#pump(),
    });
    if (source !== null && typeof source === 'object' && Symbol.asyncIterator in source) {
      this.#source = source[Symbol.asyncIterator]();
      this.#sync = false;
    } else if (source !== null && typeof source === 'object' && Symbol.iterator in source) {
      this.#source = (source as Iterable<T>)[Symbol.iterator]();
      this.#sync = true;
    } else {
      throw new TypeError(
        `Expected \`source\` to be an iterable or async iterable, got ${typeof source}`,
      );
    }
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<R>> {
    if (this.#consumer !== undefined) {
      return Promise.reject(new Error('pool.map: next() called before the previous call settled'));
    }
    const ready = this.#take();
    if (ready !== undefined)
      return ready === FAILED ? Promise.reject(this.#takeError()) : Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      this.#consumer = { resolve, reject };
      this.#pump();
    });
  }

  async return(): Promise<IteratorResult<R>> {
    this.#stop(new TaskCancelledError('pool.map was stopped by its consumer'));
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<R>> {
    this.#stop(new TaskCancelledError('pool.map was stopped by its consumer', { cause: error }));
    throw error;
  }

  /**
   * The consumer's next answer, if one is ready (FAILED: the failure, taken with
   * `#takeError`). Pulls more as room appears.
   */
  #take(): IteratorResult<R> | typeof FAILED | undefined {
    if (this.#error !== undefined) return FAILED;
    if (this.#stopped) return { value: undefined, done: true };
    const slot = this.#readySlot();
    if (slot >= 0) {
      const value = this.#values[slot] as R;
      this.#values[slot] = undefined;
      this.#state[slot] = EMPTY;
      this.#emitted++;
      this.#pump();
      return { value, done: false };
    }
    if (this.#sourceDone && this.#pulled === this.#emitted) {
      this.#stopped = true;
      this.#leases?.stop(new TaskCancelledError('pool.map ended'), true);
      return { value: undefined, done: true };
    }
    return undefined;
  }

  /** The failure, delivered once; afterwards the iterator is done. */
  #takeError(): unknown {
    const { error } = this.#error as { readonly error: unknown };
    this.#error = undefined;
    return error;
  }

  #readySlot(): number {
    if (this.#ordered) {
      const slot = this.#emitted % this.#window;
      return this.#state[slot] === OK ? slot : -1;
    }
    return this.#finished.shift() ?? -1;
  }

  #pump(): void {
    // Re-entered when a task finishes synchronously inside #submit: the outer loop goes on.
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      this.#pull();
    } finally {
      this.#pumping = false;
    }
    this.#wake();
  }

  #pull(): void {
    while (
      !this.#pulling &&
      !this.#sourceDone &&
      !this.#stopped &&
      this.#pulled - this.#emitted < this.#window
    ) {
      const source = this.#source as Iterator<T> | AsyncIterator<T>;
      if (this.#sync) {
        let r: IteratorResult<T>;
        try {
          r = (source as Iterator<T>).next();
        } catch (error) {
          this.#fail(error);
          return;
        }
        if (r.done === true) this.#ended();
        else this.#submit(r.value);
      } else {
        this.#pulling = true;
        let pending: Promise<IteratorResult<T>>;
        try {
          pending = Promise.resolve((source as AsyncIterator<T>).next());
        } catch (error) {
          this.#pulling = false;
          this.#fail(error);
          return;
        }
        pending.then(
          (r) => {
            this.#pulling = false;
            if (this.#stopped) return;
            if (r.done === true) this.#ended();
            else this.#submit(r.value);
            this.#pump();
          },
          (error: unknown) => {
            this.#pulling = false;
            this.#fail(error);
          },
        );
        return;
      }
    }
  }

  /** The source has no more items: slots held for it go back to the pool. */
  #ended(): void {
    this.#sourceDone = true;
    this.#leases?.drained();
  }

  #submit(item: T): void {
    const slot = this.#pulled % this.#window;
    this.#pulled++;
    this.#state[slot] = PENDING;
    if (this.#leases !== undefined) {
      this.#leases.run(slot, item);
      return;
    }
    let payload: P;
    try {
      payload = this.#toPayload(item);
    } catch (error) {
      this.#fail(error);
      return;
    }
    const sink = this.#sinks[slot] as (ok: boolean, value: unknown) => void;
    // A full queue makes the map wait for room (below): not a refusal.
    const admitted = this.#scheduler.admission.tryAdmitCallback(payload, this.#options, sink, true);
    if (!(admitted instanceof Error)) {
      this.#records[slot] = admitted;
      return;
    }
    if (!(admitted instanceof QueueFullError)) {
      this.#fail(admitted);
      return;
    }
    // The pool's queue is full: wait for room like any producer, pulling nothing meanwhile.
    this.#pulling = true;
    this.#scheduler.admission.admitCallback(payload, this.#options, sink).then(
      (record) => {
        this.#pulling = false;
        if (this.#stopped)
          this.#scheduler.cancel(record, new TaskCancelledError('pool.map stopped'));
        else this.#records[slot] = record;
        this.#pump();
      },
      (error: unknown) => {
        this.#pulling = false;
        this.#fail(error);
      },
    );
  }

  #settle(slot: number, ok: boolean, value: unknown): void {
    this.#records[slot] = undefined;
    if (this.#stopped) return;
    if (!ok) {
      this.#fail(value);
      return;
    }
    this.#state[slot] = OK;
    this.#values[slot] = value;
    if (!this.#ordered) this.#finished.push(slot);
    this.#wake();
  }

  #fail(error: unknown): void {
    if (this.#stopped) return;
    this.#stop(new TaskCancelledError('pool.map stopped after a failure', { cause: error }));
    this.#error = { error };
    this.#wake();
  }

  #stop(reason: TaskCancelledError): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#leases?.stop(reason);
    for (let i = 0; i < this.#window; i++) {
      const record = this.#records[i];
      this.#records[i] = undefined;
      this.#values[i] = undefined;
      if (record !== undefined) this.#scheduler.cancel(record, reason);
    }
    const source = this.#source;
    this.#source = undefined;
    if (!this.#sourceDone && source?.return !== undefined) {
      try {
        const closing = source.return();
        if (closing instanceof Promise) closing.catch(() => {});
      } catch {
        // A source that fails to close has nothing left to give us.
      }
    }
    this.#sourceDone = true;
  }

  #wake(): void {
    const consumer = this.#consumer;
    if (consumer === undefined) return;
    // Detach first: #take pulls more, and a task finishing inside that pull wakes again;
    // the inner wake must not answer this consumer a second time.
    this.#consumer = undefined;
    const ready = this.#take();
    if (ready === undefined) {
      this.#consumer ??= consumer;
      return;
    }
    if (ready === FAILED) consumer.reject(this.#takeError());
    else consumer.resolve(ready);
  }
}
