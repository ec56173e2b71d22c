/**
 * The producer's end of a stream, shared by the in-thread entry and the in-process `Pool`:
 * pulls a handler's (async) iterable one value at a time, only against credit, and hands
 * each value on at once. Imports nothing, so a thread loads only this and the protocol.
 *
 * The caller grants credit as it reads (the window), so the generator is suspended at its
 * `yield` while the caller does not read: it has produced at most `window` values beyond
 * those the caller took. Stopping (cancel, timeout, the caller's `break`) wakes a wait for
 * credit and ends the iteration with `return()`, which runs the generator's `finally`
 * where it lives. A generator busy inside an `await` cannot be interrupted (the language
 * queues `return()`): it stops after its current step; its signal has aborted meanwhile.
 */

/** Values a stream may still send, and whether it must stop. */
export class Credit {
  #n = 0;
  #stopped = false;
  #wake: (() => void) | undefined = undefined;

  get stopped(): boolean {
    return this.#stopped;
  }

  /** `n` more values may be sent. */
  add(n: number): void {
    this.#n += n;
    this.#notify();
  }

  /** The stream must end: wakes a wait for credit; no credit is granted any more. */
  stop(): void {
    this.#stopped = true;
    this.#notify();
  }

  /** Takes one unit: at once if there is some, else once granted; false once stopped. */
  take(): boolean | Promise<boolean> {
    if (this.#stopped) return false;
    if (this.#n > 0) {
      this.#n--;
      return true;
    }
    return new Promise<boolean>((resolve) => {
      this.#wake = () => resolve(this.take() as boolean);
    });
  }

  #notify(): void {
    const wake = this.#wake;
    if (wake === undefined || (this.#n === 0 && !this.#stopped)) return;
    this.#wake = undefined;
    wake();
  }
}

/** Whether `value` is something a stream can iterate (an async or sync iterable object). */
export function isStreamable(value: unknown): value is AsyncIterable<unknown> | Iterable<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    (typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function' ||
      typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function')
  );
}

/**
 * Iterates `source`, calling `emit` with each value once credit allows; resolves with the
 * iterable's return value (a generator's `return x`), or `undefined` once stopped. A value
 * `emit` cannot send (it throws) ends the iteration, `finally` included, with that error.
 */
export async function drive(
  source: AsyncIterable<unknown> | Iterable<unknown>,
  credit: Credit,
  emit: (value: unknown) => void,
): Promise<unknown> {
  const iterator =
    Symbol.asyncIterator in source
      ? source[Symbol.asyncIterator]()
      : (source as Iterable<unknown>)[Symbol.iterator]();
  // Whether `return()` is still owed: not after the iterator ended or threw by itself.
  let open = true;
  try {
    for (;;) {
      const granted = credit.take();
      if (!(granted === true || (granted !== false && (await granted)))) return undefined;
      let step: IteratorResult<unknown>;
      try {
        step = await iterator.next();
      } catch (error) {
        open = false;
        throw error;
      }
      if (step.done === true) {
        open = false;
        return step.value;
      }
      // Cancelled while the generator computed this value: nobody will read it.
      if (credit.stopped) return undefined;
      emit(await step.value);
    }
  } finally {
    if (open) await iterator.return?.();
  }
}

/**
 * Whether a handler's result is an iterator (what a generator function returns): only a
 * stream can deliver it. Iterables that are data (arrays, maps, sets) have no `next`.
 */
export function isIterator(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<PropertyKey, unknown>;
  return (
    typeof v.next === 'function' &&
    (typeof v[Symbol.asyncIterator] === 'function' || typeof v[Symbol.iterator] === 'function')
  );
}

/** `run` of a streaming handler: its iterator cannot be sent, so say to use `stream`. */
export function streamsError(name: string, iterator: object): TypeError {
  const what =
    Symbol.asyncIterator in iterator
      ? 'an async iterator (an async generator?)'
      : 'an iterator (a generator?)';
  return new TypeError(
    `Handler ${JSON.stringify(name)} streams: it returned ${what}, which run() cannot deliver; call stream(${JSON.stringify(name)}, input) and iterate it`,
  );
}
