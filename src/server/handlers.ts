import { UnknownHandlerError } from '../index.js';

/**
 * The task module's handler names, as far as the server knows them. The pool is the
 * authority: it looks names up in a Map of the module's own function exports, so
 * `__proto__`, `constructor` or `toString` never reach a handler, and answers
 * `UnknownHandlerError` with the full list of names. The server learns that list from the
 * first such error and answers later unknown names 404 at once, without queueing them.
 *
 * Per-name metrics use only names known to be handlers, so label values stay bounded.
 */
export class HandlerNames {
  #all: ReadonlySet<string> | undefined;
  readonly #seen = new Set<string>();

  /** True only when the name is certainly not a handler. */
  unknown(name: string): boolean {
    return this.#all !== undefined && !this.#all.has(name);
  }

  /** The name if it is a handler, for labelling; else `undefined`. */
  label(name: string): string | undefined {
    return this.#all?.has(name) === true || this.#seen.has(name) ? name : undefined;
  }

  /** The pool ran `name` (it answered, or failed in the handler): it is a handler. */
  confirm(name: string): void {
    if (this.#all === undefined && this.#seen.size < 1024) this.#seen.add(name);
  }

  learn(error: unknown): void {
    if (error instanceof UnknownHandlerError) this.#all = new Set(error.available);
  }

  /** An UnknownHandlerError for `name`, from the learned list. */
  error(name: string): UnknownHandlerError {
    return new UnknownHandlerError(name, [...(this.#all ?? [])]);
  }
}
