import { TaskCancelledError } from '../errors.js';

/** Options of every waiting operation in `sync/`. */
export interface SignalOptions {
  /** Aborting it withdraws the wait: the operation rejects with `TaskCancelledError` and changes nothing. */
  readonly signal?: AbortSignal | undefined;
}

/** The error an aborted wait rejects with; its `cause` is `signal.reason`. */
export function cancelled(signal: AbortSignal, what: string): TaskCancelledError {
  return new TaskCancelledError(`${what} was cancelled`, { cause: signal.reason });
}

const noop = (): void => {};

/**
 * Calls `onAbort` once when `signal` aborts. Returns the disposer that removes the listener;
 * every settle path must call it, so a long-lived signal does not collect dead listeners.
 */
export function listen(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (signal === undefined) return noop;
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
