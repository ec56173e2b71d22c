/**
 * The channel between two stages: a `Channel` whose full-buffer senders wait until the
 * buffer has drained to half (`put`), not until one slot frees (`send`). With `send`, a stage
 * behind a full buffer is woken once per item the next stage takes, and each wake is a
 * promise and a turn of the loop; waiting for half the buffer wakes it once per
 * `capacity / 2` items, which is what Node streams do with their high-water mark. The
 * value a waiting stage holds is not in the buffer, so what a stage holds, and the memory
 * bound, are the same as with `send`.
 */
import { Channel, type ReceiveResult } from '../sync/channel.js';

export class FlowChannel<T> extends Channel<T> {
  /** Waiting `put`s are woken once at most this many values are buffered. */
  readonly #low: number;
  #waiting: (() => void)[] = [];

  constructor(capacity: number) {
    super(capacity);
    this.#low = capacity >> 1;
  }

  /**
   * Sends `value`: at once if there is room (no promise), else once the buffer has drained to
   * half. Unbuffered, it is `send`. Rejects `ChannelClosedError` once closed.
   */
  put(value: T): Promise<void> | undefined {
    if (this.trySend(value)) return undefined;
    if (this.capacity === 0) return this.send(value);
    return new Promise<void>((resolve) => this.#waiting.push(resolve)).then(() => this.put(value));
  }

  override tryReceive(): ReceiveResult<T> | undefined {
    const r = super.tryReceive();
    if (this.#waiting.length > 0 && (r === undefined || this.length <= this.#low)) this.#wake();
    return r;
  }

  override close(): void {
    super.close();
    this.#wake();
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const wake of waiting) wake();
  }
}
