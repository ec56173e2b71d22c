import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { RunError } from './errors.js';

/** Lines are gathered into one write of about this many characters (one syscall, not one per line). */
const BATCH = 64 * 1024;

/**
 * Writes lines to a stream with back-pressure. Lines are batched and flushed when the batch
 * is full or on the next turn of the event loop (so a slow trickle of results still shows
 * up at once). `write` returns a promise only when the caller must wait: the stream is over
 * its highWaterMark, so a slow reader of the output slows whoever produces the lines.
 */
export class LineWriter {
  readonly #stream: Writable;
  readonly #owned: boolean;
  #batch = '';
  #timer: NodeJS.Immediate | undefined;
  #error: Error | undefined;
  readonly #flushSoon = (): void => {
    this.#timer = undefined;
    this.#push();
  };

  /** `owned`: end the stream at `end()` (a file we opened); stdout is only flushed. */
  constructor(stream: Writable, owned: boolean) {
    this.#stream = stream;
    this.#owned = owned;
    stream.on('error', (error: Error) => {
      this.#error ??= error;
    });
  }

  /** The write error (e.g. EPIPE when the reader of stdout went away), once there is one. */
  get error(): Error | undefined {
    return this.#error;
  }

  write(line: string): Promise<void> | undefined {
    this.#check();
    this.#batch += line;
    this.#batch += '\n';
    if (this.#batch.length >= BATCH) return this.flush();
    // The stream is full: keep this line in the batch and make the caller wait. (Flushing
    // on the next turn regardless would let the stream's buffer grow without bound.)
    if (this.#stream.writableNeedDrain) return this.flush();
    this.#timer ??= setImmediate(this.#flushSoon);
    return undefined;
  }

  /** Writes the batch; resolves once the stream has room again (or at once if it has). */
  flush(): Promise<void> | undefined {
    this.#push();
    if (!this.#stream.writableNeedDrain) return undefined;
    // `once` rejects on 'error'; our listener has recorded it by then, and #check throws it.
    const check = (): void => this.#check();
    return once(this.#stream, 'drain').then(check, check);
  }

  /** Writes what is left and waits until the stream has taken all of it. */
  async end(): Promise<void> {
    this.#push();
    this.#check();
    await new Promise<void>((resolve) => {
      const done = (): void => resolve();
      if (this.#owned) this.#stream.end(done);
      else this.#stream.write('', done);
      // An error makes neither callback fire on some streams: settle on it too.
      this.#stream.once('error', done);
    });
    this.#check();
  }

  #push(): void {
    if (this.#timer !== undefined) {
      clearImmediate(this.#timer);
      this.#timer = undefined;
    }
    if (this.#batch === '' || this.#error !== undefined) return;
    const batch = this.#batch;
    this.#batch = '';
    this.#stream.write(batch);
  }

  #check(): void {
    if (this.#error !== undefined) {
      throw new RunError(`Cannot write the output: ${this.#error.message}`, { cause: this.#error });
    }
  }
}
