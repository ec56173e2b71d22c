/**
 * The floor of a promise-returning limiter (issue 16), beside `Pool.run`: `run(fn)` makes
 * one promise (its executor a shared function), queues the function and the resolve
 * function in a flat array, and starts up to `concurrency` at once, each observed with one
 * `then`. No stats, no priorities, no cancellation, no bound on the queue, no error path
 * beyond passing a rejection on: what is left is what any limiter with this API costs.
 */
export class FloorLimiter {
  readonly #concurrency: number;
  /** Function and resolve function per waiting task, from `#head` on. */
  #queue: unknown[] = [];
  #head = 0;
  #active = 0;
  #scheduled = false;
  readonly #pump = (): void => {
    this.#scheduled = false;
    this.#startWhatCan();
  };

  constructor(concurrency: number) {
    this.#concurrency = concurrency;
  }

  get queued(): number {
    return (this.#queue.length - this.#head) / 2;
  }

  run<R>(fn: () => R | PromiseLike<R>): Promise<R> {
    const promise = new Promise<unknown>(capture) as Promise<R>;
    this.#queue.push(fn, captured);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#pump);
    }
    return promise;
  }

  #startWhatCan(): void {
    while (this.#active < this.#concurrency && this.#head < this.#queue.length) {
      const fn = this.#queue[this.#head] as () => unknown;
      const resolve = this.#queue[this.#head + 1] as (value: unknown) => void;
      this.#queue[this.#head] = undefined;
      this.#queue[this.#head + 1] = undefined;
      this.#head += 2;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      }
      this.#active++;
      let result: unknown;
      try {
        result = fn();
      } catch (error) {
        result = Promise.reject(error);
      }
      Promise.resolve(result).then(
        (value) => this.#done(resolve, value),
        (error: unknown) => this.#done(resolve, Promise.reject(error)),
      );
    }
  }

  #done(resolve: (value: unknown) => void, value: unknown): void {
    this.#active--;
    resolve(value);
    this.#startWhatCan();
  }
}

let captured: (value: unknown) => void = () => {};
const capture = (resolve: (value: unknown) => void): void => {
  captured = resolve;
};
