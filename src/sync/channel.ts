import { ChannelClosedError } from '../errors.js';
import * as v from '../validate.js';
import { RingBuffer } from './ring-buffer.js';
import { cancelled, listen, type SignalOptions } from './signal.js';
import { type WaitNode, WaitQueue } from './wait-queue.js';

/** What a receive yields: a value, or `ok: false` once the channel is closed and drained. */
export type ReceiveResult<T> = { value: T; ok: true } | { value: undefined; ok: false };

/** A blocked receiver. The channel unlinks it, then calls `deliver` exactly once. */
export interface ReceiveWaiter<T> {
  deliver(result: ReceiveResult<T>): void;
}

/** A blocked sender. The channel unlinks it, then calls `delivered` or `rejected` exactly once. */
export interface SendWaiter<T> {
  readonly value: T;
  delivered(): void;
  rejected(error: ChannelClosedError): void;
}

/**
 * Module-private access to a channel's wait queues, for `select` and `after`; not re-exported
 * from the package. A waiter is registered passively: registering never matches it against
 * the other queue, so a `select` with a send and a receive case on one channel cannot pair
 * with itself (as in Go). The returned function withdraws the waiter; it is idempotent.
 */
export interface ChannelInternals {
  addReceiver<T>(channel: Channel<T>, waiter: ReceiveWaiter<T>): () => void;
  addSender<T>(channel: Channel<T>, waiter: SendWaiter<T>): () => void;
  /** `watch(true)` when the first receiver starts waiting, `watch(false)` when none waits. */
  watchReceivers(channel: Channel<unknown>, watch: (waiting: boolean) => void): void;
}

let internals: ChannelInternals | undefined;

export function channelInternals(): ChannelInternals {
  if (internals === undefined) throw new Error('unreachable: Channel is not initialised');
  return internals;
}

const RESOLVED: Promise<void> = Promise.resolve();
const CLOSED: ReceiveResult<never> = Object.freeze({ value: undefined, ok: false });
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * Go's `chan T`. With `capacity` 0 (the default) the channel is unbuffered: a send completes
 * only when a receiver takes the value, handed over directly. With `capacity` n, up to n
 * values wait in a FIFO buffer and `send` waits only while it is full.
 *
 * Senders and receivers that must wait are served FIFO. Closing wakes every waiting receiver
 * with `ok: false` and rejects every waiting sender with `ChannelClosedError` (where Go would
 * panic); values already buffered stay receivable. An already-aborted `signal` rejects before
 * anything is attempted; an aborted wait withdraws its waiter and leaves the channel unchanged.
 *
 * Invariant: values wait in the buffer only while no receiver waits, and senders wait only
 * while the buffer is full (except `select`'s passive registrations, which another party's
 * operation resolves).
 */
export class Channel<T> implements AsyncIterable<T> {
  readonly #capacity: number;
  readonly #buffer = new RingBuffer<T>();
  readonly #receivers = new WaitQueue<ReceiveWaiter<T>>();
  readonly #senders = new WaitQueue<SendWaiter<T>>();
  #closed = false;
  #watch: ((waiting: boolean) => void) | undefined;

  static {
    internals = {
      addReceiver: (channel, waiter) => channel.#addReceiver(waiter),
      addSender: (channel, waiter) => channel.#addSender(waiter),
      watchReceivers: (channel, watch) => {
        channel.#watch = watch;
      },
    };
  }

  /** @param capacity buffer size, an integer from 0 and up. @default 0 (unbuffered) */
  constructor(capacity = 0) {
    this.#capacity = v.integer('capacity', capacity, 0);
  }

  /** The buffer size given at construction. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Values waiting in the buffer (Go's `len(ch)`). */
  get length(): number {
    return this.#buffer.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends `value`, waiting while the buffer is full (or, unbuffered, until a receiver takes
   * it). Rejects `ChannelClosedError` if the channel is closed, or closes while waiting.
   */
  send(value: T, options?: SignalOptions): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(cancelled(signal, 'Channel send'));
    if (this.#closed) return Promise.reject(new ChannelClosedError('Send on a closed channel'));
    if (this.trySend(value)) return RESOLVED;
    return new Promise<void>((resolve, reject) => {
      let withdraw = (): void => {};
      const dispose = listen(signal, () => {
        withdraw();
        if (signal !== undefined) reject(cancelled(signal, 'Channel send'));
      });
      withdraw = this.#addSender({
        value,
        delivered: () => {
          dispose();
          resolve();
        },
        rejected: (error) => {
          dispose();
          reject(error);
        },
      });
    });
  }

  /**
   * Sends without waiting: true when a waiting receiver took `value` or the buffer had room,
   * false when it would block. Throws `ChannelClosedError` on a closed channel.
   */
  trySend(value: T): boolean {
    if (this.#closed) throw new ChannelClosedError('Send on a closed channel');
    const receiver = this.#shiftReceiver();
    if (receiver !== undefined) {
      receiver.deliver({ value, ok: true });
      return true;
    }
    if (this.#buffer.size < this.#capacity) {
      this.#buffer.push(value);
      return true;
    }
    return false;
  }

  /** Receives the next value, waiting for one; `{ ok: false }` once closed and drained. */
  receive(options?: SignalOptions): Promise<ReceiveResult<T>> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(cancelled(signal, 'Channel receive'));
    const ready = this.tryReceive();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<ReceiveResult<T>>((resolve, reject) => {
      let withdraw = (): void => {};
      const dispose = listen(signal, () => {
        withdraw();
        if (signal !== undefined) reject(cancelled(signal, 'Channel receive'));
      });
      withdraw = this.#addReceiver({
        deliver: (result) => {
          dispose();
          resolve(result);
        },
      });
    });
  }

  /** Receives without waiting; `undefined` when it would block. */
  tryReceive(): ReceiveResult<T> | undefined {
    if (this.#buffer.size > 0) {
      const value = this.#buffer.shift() as T;
      // The buffer has room again: the oldest waiting sender moves its value in.
      const sender = this.#senders.shift()?.value;
      if (sender !== undefined) {
        this.#buffer.push(sender.value);
        sender.delivered();
      }
      return { value, ok: true };
    }
    const sender = this.#senders.shift()?.value;
    if (sender !== undefined) {
      sender.delivered();
      return { value: sender.value, ok: true };
    }
    return this.#closed ? CLOSED : undefined;
  }

  /**
   * Closes the channel: no more sends; receivers drain the buffer, then get `ok: false`.
   * Throws `ChannelClosedError` when already closed (Go panics).
   */
  close(): void {
    if (this.#closed) throw new ChannelClosedError('Close of a closed channel');
    this.#closed = true;
    // Shift one at a time rather than snapshot: waking a select withdraws its other waiters,
    // possibly from these very queues.
    for (let r = this.#shiftReceiver(); r !== undefined; r = this.#shiftReceiver()) {
      r.deliver(CLOSED);
    }
    for (let s = this.#senders.shift(); s !== undefined; s = this.#senders.shift()) {
      s.value.rejected(new ChannelClosedError('Channel closed while a send was waiting'));
    }
  }

  /**
   * `for await (const v of ch)` is Go's `for v := range ch`: it ends once the channel is
   * closed and drained. Each `next()` is one `receive()`, issued only when asked for, so
   * breaking out of the loop loses no value and does not close the channel.
   */
  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    const next = (result: ReceiveResult<T>): IteratorResult<T, undefined> =>
      result.ok ? { value: result.value, done: false } : DONE;
    return {
      next: () => {
        const ready = this.tryReceive();
        return ready !== undefined ? Promise.resolve(next(ready)) : this.receive().then(next);
      },
      return: () => Promise.resolve(DONE),
    };
  }

  #addReceiver(waiter: ReceiveWaiter<T>): () => void {
    const node = this.#receivers.push(waiter);
    if (this.#receivers.size === 1) this.#watch?.(true);
    return () => this.#removeReceiver(node);
  }

  #removeReceiver(node: WaitNode<ReceiveWaiter<T>>): void {
    if (this.#receivers.remove(node) && this.#receivers.size === 0) this.#watch?.(false);
  }

  #shiftReceiver(): ReceiveWaiter<T> | undefined {
    const node = this.#receivers.peek();
    if (node === undefined) return undefined;
    this.#removeReceiver(node);
    return node.value;
  }

  #addSender(waiter: SendWaiter<T>): () => void {
    const node = this.#senders.push(waiter);
    return () => {
      this.#senders.remove(node);
    };
  }
}
