import { TaskCancelledError } from '../errors.js';
import { RingBuffer } from '../sync/ring-buffer.js';
import type { NormalizedTaskOptions } from './options.js';
import type { Sink, TaskRecord } from './task.js';

/** A producer waiting for queue room: its task is not accepted yet. */
export interface Producer<P> {
  readonly payload: P;
  readonly options: NormalizedTaskOptions;
  readonly sink: Sink;
  readonly callback: boolean;
  /** The caller's promise, if it has one: its record carries it from the start (see admitNow). */
  readonly promise: Promise<unknown> | undefined;
  readonly resolve: (record: TaskRecord<P>) => void;
  readonly reject: (error: unknown) => void;
  cleanup: (() => void) | undefined;
}

/**
 * Producers blocked on a full queue, FIFO: the senders blocked on a full buffered channel.
 * One whose signal aborts leaves the line with TaskCancelledError and takes no room.
 */
export class Producers<P> {
  readonly #line = new RingBuffer<Producer<P>>();

  get size(): number {
    return this.#line.size;
  }

  wait(
    payload: P,
    options: NormalizedTaskOptions,
    sink: Sink,
    callback: boolean,
    promise?: Promise<unknown>,
  ): Promise<TaskRecord<P>> {
    return new Promise<TaskRecord<P>>((resolve, reject) => {
      const producer: Producer<P> = {
        payload,
        options,
        sink,
        callback,
        promise,
        resolve,
        reject,
        cleanup: undefined,
      };
      const signal = options.signal;
      if (signal !== undefined) {
        const onAbort = (): void => {
          if (!this.#line.remove(producer)) return;
          reject(
            new TaskCancelledError('Task was cancelled while waiting for queue room', {
              cause: signal.reason,
            }),
          );
        };
        signal.addEventListener('abort', onAbort, { once: true });
        producer.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.#line.push(producer);
    });
  }

  /** The producer first in line, removed from the line, its abort listener gone. */
  shift(): Producer<P> | undefined {
    const producer = this.#line.shift();
    producer?.cleanup?.();
    return producer;
  }

  rejectAll(error: unknown): void {
    for (let p = this.shift(); p !== undefined; p = this.shift()) p.reject(error);
  }
}
