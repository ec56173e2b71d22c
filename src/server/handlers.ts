import { type ThreadPool, UnknownHandlerError } from '../index.js';

/**
 * The task module's handler names, as far as the server knows them: the pool's own list
 * (`ThreadPool.handlers()`), known once the module has loaded in a thread. The server
 * makes its pool wait for that before it listens; a pool given to it may load later (with
 * `minThreads: 0`, at its first task), and until then every name goes to the pool, which
 * answers an unknown one `UnknownHandlerError` itself. The pool looks names up in a Map of
 * the module's own function exports, so `__proto__`, `constructor` or `toString` never
 * reach a handler.
 *
 * Per-name metrics use only names known to be handlers, so label values stay bounded.
 */
export class HandlerNames {
  #all: ReadonlySet<string> | undefined;

  constructor(pool: ThreadPool) {
    pool.handlers().then(
      (names) => {
        this.#all = new Set(names);
      },
      // A module that cannot load: every task rejects TaskModuleError, answered as such.
      () => {},
    );
  }

  /** True only when the name is certainly not a handler. */
  unknown(name: string): boolean {
    return this.#all !== undefined && !this.#all.has(name);
  }

  /** The name if it is a handler, for labelling; else `undefined`. */
  label(name: string): string | undefined {
    return this.#all?.has(name) === true ? name : undefined;
  }

  /** An UnknownHandlerError for `name`, with the module's handlers. */
  error(name: string): UnknownHandlerError {
    return new UnknownHandlerError(name, [...(this.#all ?? [])]);
  }
}
