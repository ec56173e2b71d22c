/**
 * A bounded window of tasks over a lazy source, yielding every item's outcome.
 *
 * Why not `pool.map`: it stops at the first failed task, and a batch run must report every
 * line (failed ones included) and go on. This keeps map's other contracts: the source is
 * pulled only while fewer than `size` items sit between it and the consumer (started, or
 * done and not yet consumed), so memory is bounded and a consumer that stops taking results
 * (a slow output) stops the reading. Results come in input order (`ordered`) or as they end.
 */
export class Window<T, R> {
  readonly #source: AsyncIterator<T>;
  readonly #start: (item: T) => Promise<R>;
  readonly #size: number;
  readonly #ordered: boolean;
  /** Ordered: every held item in input order. Unordered: only finished ones, in finishing order. */
  #queue: { done: boolean; value: R | undefined }[] = [];
  #held = 0;
  #pulling = false;
  #sourceDone = false;
  #stopped = false;
  #failure: { readonly error: unknown } | undefined;
  #wake: (() => void) | undefined;

  /**
   * `start` turns an item into its outcome. It should not reject (a failed task is a value
   * too); if it does, the iteration ends with that error.
   */
  constructor(
    source: AsyncIterable<T>,
    start: (item: T) => Promise<R>,
    options: { readonly size: number; readonly ordered: boolean },
  ) {
    this.#source = source[Symbol.asyncIterator]();
    this.#start = start;
    this.#size = options.size;
    this.#ordered = options.ordered;
  }

  /** Items taken from the source and not yet consumed. */
  get held(): number {
    return this.#held;
  }

  /** Stops pulling (and closes the source); what was started is still yielded. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (!this.#sourceDone && !this.#pulling) this.#closeSource();
    this.#notify();
  }

  async *results(): AsyncGenerator<R> {
    for (;;) {
      this.#pull();
      const next = this.#take();
      if (next !== undefined) {
        this.#held--;
        yield next.value as R;
        continue;
      }
      if (this.#failure !== undefined) throw this.#failure.error;
      // Once stopped, a read still pending (stdin with nothing to say) is not waited for.
      if (this.#held === 0 && (this.#stopped || (this.#sourceDone && !this.#pulling))) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #take(): { done: boolean; value: R | undefined } | undefined {
    const head = this.#queue[0];
    if (head === undefined || !head.done) return undefined;
    this.#queue.shift();
    return head;
  }

  #pull(): void {
    if (this.#pulling || this.#sourceDone || this.#stopped || this.#held >= this.#size) return;
    this.#pulling = true;
    this.#source.next().then(
      (r) => {
        this.#pulling = false;
        // A line read after stop() is dropped, never started.
        if (r.done === true) this.#sourceDone = true;
        else if (this.#stopped) this.#closeSource();
        else {
          this.#admit(r.value);
          this.#pull();
        }
        this.#notify();
      },
      (error: unknown) => {
        this.#pulling = false;
        this.#sourceDone = true;
        this.#failure = { error };
        this.#notify();
      },
    );
  }

  #admit(item: T): void {
    this.#held++;
    const entry: { done: boolean; value: R | undefined } = { done: false, value: undefined };
    if (this.#ordered) this.#queue.push(entry);
    this.#start(item).then(
      (value) => {
        entry.done = true;
        entry.value = value;
        if (!this.#ordered) this.#queue.push(entry);
        this.#notify();
      },
      (error: unknown) => {
        this.#failure ??= { error };
        this.#notify();
      },
    );
  }

  #closeSource(): void {
    this.#sourceDone = true;
    this.#source.return?.().catch(() => {});
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
