/**
 * `merge(...sources)`: Go's fan-in. Every source is pulled by its own loop into one
 * unbuffered channel, so items come out as the sources produce them (each source in its own
 * order) and no source runs ahead of the consumer by more than one item. The first source
 * to fail fails the merge and closes the others; stopping the iteration (or aborting
 * `signal`) closes them all. Usable as a pipeline's source, or on its own.
 */
import type { Channel } from '../sync/channel.js';
import { Run } from './run.js';
import { checkSource, pump } from './source.js';
import { close } from './step.js';
import type { Source } from './types.js';

type Item<S> = S extends Source<infer T> ? T : never;

/** One async iterable over every item of every source. */
export function merge<S extends readonly Source<unknown>[]>(
  ...sources: S
): AsyncIterableIterator<Item<S[number]>, undefined> {
  sources.forEach((s, i) => {
    checkSource(s, `sources[${i}]`);
  });
  return new Merged<Item<S[number]>>(sources);
}

/** Starts on the first `next()`, so a merge never pulls before someone reads it. */
class Merged<T> implements AsyncIterableIterator<T, undefined> {
  readonly #sources: readonly Source<unknown>[];
  #run: Run<T> | undefined;
  #closed = false;

  constructor(sources: readonly Source<unknown>[]) {
    this.#sources = sources;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return this.#start().next();
  }

  /** Stops every source; a merge never read opens none. */
  async return(): Promise<IteratorResult<T, undefined>> {
    this.#closed = true;
    this.#run?.stop();
    return { value: undefined, done: true };
  }

  throw(): Promise<IteratorResult<T, undefined>> {
    return this.return();
  }

  #start(): Run<T> {
    if (this.#run !== undefined) return this.#run;
    const run = new Run<T>(undefined);
    const output = run.channel<T>(0);
    this.#run = run;
    let open = this.#sources.length;
    if (open === 0) output.close();
    for (const source of this.#sources) {
      run.go(async () => {
        await pump(source, output as Channel<unknown>, run);
        if (--open === 0) close(output as Channel<unknown>);
      });
    }
    run.seal(output);
    return run;
  }
}
