/**
 * One running pipeline (or merge): an ErrGroup holding every loop, and the consumer's end of
 * the last channel.
 *
 * Errgroup semantics: the first loop to fail aborts the group's signal with its error; every
 * other loop sees it (waiting channel operations reject, pool tasks are cancelled) and the
 * consumer's next `next()` rejects with that first error, once, then the iteration is done.
 * The caller's signal, or the consumer stopping (`break`, `return()`), aborts the group too.
 */
import { TaskCancelledError } from '../errors.js';
import type { Channel, ReceiveResult } from '../sync/channel.js';
import { ErrGroup } from '../sync/err-group.js';
import { listen } from '../sync/signal.js';
import { FlowChannel } from './flow-channel.js';
import { aborted, type RunControl } from './step.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
const noop = (): void => {};

export class Run<T> implements AsyncIterableIterator<T, undefined>, RunControl {
  readonly #stop = new AbortController();
  readonly #group: ErrGroup;
  readonly #channels: Channel<unknown>[] = [];
  readonly #onSettled: () => void;
  #output: Channel<T> | undefined;
  #halted = false;
  /** The group aborted before the output was closed: the output ends in an error. */
  #broken = false;
  #consumerStopped = false;
  #finished = false;
  #done: Promise<void> | undefined;

  /** `onSettled` runs once every loop has stopped, whatever the outcome. */
  constructor(signal: AbortSignal | undefined, onSettled: () => void = noop) {
    this.#onSettled = onSettled;
    if (signal?.aborted) this.#stop.abort(signal.reason);
    else if (signal !== undefined) {
      const dispose = listen(signal, () => this.#stop.abort(signal.reason));
      this.#stop.signal.addEventListener('abort', dispose, { once: true });
    }
    this.#group = new ErrGroup({ signal: this.#stop.signal });
    if (this.#group.signal.aborted) {
      this.#halted = true;
      this.#broken = true;
    } else this.#group.signal.addEventListener('abort', () => this.#halt(), { once: true });
  }

  /** Aborted on the first error, the caller's abort, the consumer's stop, or once all is done. */
  get signal(): AbortSignal {
    return this.#group.signal;
  }

  get halted(): boolean {
    return this.#halted;
  }

  check(): void {
    if (this.#halted) throw aborted(this.#group.signal);
  }

  channel<C>(capacity: number): Channel<C> {
    const channel = new FlowChannel<C>(capacity);
    if (this.#halted) channel.close();
    else this.#channels.push(channel as Channel<unknown>);
    return channel;
  }

  /** Starts one more loop. Call `seal()` once all are started. */
  go(fn: () => Promise<void>): void {
    void this.#group.go(fn);
  }

  /**
   * Every loop is started; `output` (made by `channel()`) is what the consumer reads.
   * Resolves when all have stopped; rejects with the first error, or `TaskCancelledError`
   * when cancelled by the caller's signal, but not when the consumer stopped the run.
   */
  seal(output: Channel<T>): Promise<void> {
    if (this.#done !== undefined) return this.#done;
    this.#output = output;
    this.#done = this.#group
      .wait()
      .then(
        () => undefined,
        (error: unknown) => {
          if (this.#cancelled()) {
            if (this.#consumerStopped) return;
            throw new TaskCancelledError('Pipeline was cancelled', {
              cause: this.#stop.signal.reason,
            });
          }
          throw error;
        },
      )
      .finally(this.#onSettled);
    this.#done.catch(noop);
    return this.#done;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    const output = this.#output;
    if (this.#finished || output === undefined) return Promise.resolve(DONE);
    const ready = output.tryReceive();
    if (ready !== undefined) return this.#answer(ready);
    return output.receive().then((r) => this.#answer(r));
  }

  /** Stops the run: every loop is cancelled and the source closed. Not an error. */
  async return(): Promise<IteratorResult<T, undefined>> {
    this.stop();
    return DONE;
  }

  /** As `return()` (a Readable made by `Readable.from` calls it when destroyed with an error). */
  async throw(): Promise<IteratorResult<T, undefined>> {
    this.stop();
    return DONE;
  }

  stop(): void {
    this.#finished = true;
    if (this.#halted) return;
    this.#consumerStopped = true;
    this.#stop.abort(new TaskCancelledError('Pipeline was stopped by its consumer'));
  }

  /**
   * A value, or the end. Once the group failed, what is still buffered is not passed on:
   * the failure is, once (the abort closed the output, so nothing waits forever).
   */
  #answer(r: ReceiveResult<T>): Promise<IteratorResult<T, undefined>> {
    if (!this.#broken) {
      if (r.ok) return Promise.resolve({ value: r.value, done: false });
      this.#finished = true;
      return Promise.resolve(DONE);
    }
    this.#finished = true;
    if (!this.#cancelled()) return Promise.reject(this.#group.signal.reason);
    if (this.#consumerStopped) return Promise.resolve(DONE);
    return Promise.reject(
      new TaskCancelledError('Pipeline was cancelled', { cause: this.#stop.signal.reason }),
    );
  }

  /** The group aborted: wake every loop by closing every channel it owns. */
  #halt(): void {
    this.#halted = true;
    const output = this.#output;
    if (output === undefined || !output.closed) this.#broken = true;
    for (const channel of this.#channels) if (!channel.closed) channel.close();
  }

  /** Whether the group stopped because the caller or the consumer cancelled it (not an error). */
  #cancelled(): boolean {
    return this.#stop.signal.aborted && this.#group.signal.reason === this.#stop.signal.reason;
  }
}
