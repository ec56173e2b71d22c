/**
 * The floor of `Pool.map`'s API (issue 16): the least an async iterator can do to map a
 * source through an async function with `window` items in flight. Each item is one call,
 * observed with one `then` whose callbacks are made once per slot; results wait in a ring
 * of `window` slots and reach the consumer in input order (`ordered`) or as they finish.
 * No limits shared with other work, no stats, no cancellation, no error cleanup: what is
 * left is what the API itself costs (a `then` per item, and the consumer's `next()` promise
 * and `for await` step per item), against the hand loop's one `await` per item.
 */
const FAILED = Symbol('failed');

export class FloorMap<T, R> implements AsyncIterableIterator<R> {
  readonly #source: Iterator<T>;
  readonly #fn: (item: T) => PromiseLike<R>;
  readonly #window: number;
  readonly #ordered: boolean;
  readonly #values: (R | undefined)[];
  readonly #ready: Uint8Array;
  readonly #onValue: ((value: R) => void)[];
  readonly #onError = (error: unknown): void => {
    this.#error ??= { error };
    this.#deliver();
  };
  /** Unordered: finished slots, oldest first. */
  #finished: number[] = [];
  #head = 0;
  #pulled = 0;
  #emitted = 0;
  #sourceDone = false;
  #error: { readonly error: unknown } | undefined;
  #resolve: ((result: IteratorResult<R>) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;

  constructor(
    source: Iterable<T>,
    fn: (item: T) => PromiseLike<R>,
    window: number,
    ordered: boolean,
  ) {
    this.#source = source[Symbol.iterator]();
    this.#fn = fn;
    this.#window = window;
    this.#ordered = ordered;
    this.#values = new Array(window);
    this.#ready = new Uint8Array(window);
    this.#onValue = Array.from({ length: window }, (_, slot) => (value: R) => {
      this.#values[slot] = value;
      this.#ready[slot] = 1;
      if (!ordered) this.#finished.push(slot);
      this.#deliver();
    });
    this.#pull();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<R>> {
    const ready = this.#take();
    if (ready === FAILED) return Promise.reject(this.#error?.error);
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  #pull(): void {
    while (!this.#sourceDone && this.#pulled - this.#emitted < this.#window) {
      const r = this.#source.next();
      if (r.done === true) {
        this.#sourceDone = true;
        return;
      }
      const slot = this.#pulled % this.#window;
      this.#pulled++;
      this.#fn(r.value).then(this.#onValue[slot], this.#onError);
    }
  }

  #take(): IteratorResult<R> | typeof FAILED | undefined {
    if (this.#error !== undefined) return FAILED;
    let slot = -1;
    if (this.#ordered) {
      const next = this.#emitted % this.#window;
      if (this.#ready[next] === 1) slot = next;
    } else if (this.#head < this.#finished.length) {
      slot = this.#finished[this.#head++] as number;
      if (this.#head === this.#finished.length) {
        this.#finished = [];
        this.#head = 0;
      }
    }
    if (slot >= 0) {
      const value = this.#values[slot] as R;
      this.#values[slot] = undefined;
      this.#ready[slot] = 0;
      this.#emitted++;
      this.#pull();
      return { value, done: false };
    }
    if (this.#sourceDone && this.#pulled === this.#emitted) return { value: undefined, done: true };
    return undefined;
  }

  #deliver(): void {
    const resolve = this.#resolve;
    if (resolve === undefined) return;
    const ready = this.#take();
    if (ready === undefined) return;
    const reject = this.#reject as (error: unknown) => void;
    this.#resolve = undefined;
    this.#reject = undefined;
    if (ready === FAILED) reject(this.#error?.error);
    else resolve(ready);
  }
}
