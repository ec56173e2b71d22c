/**
 * The one typed protocol across the thread boundary, imported by both sides (the pool's
 * executor and the in-thread entry). It imports nothing, so the thread loads only this.
 *
 * Messages are flat arrays, not objects: the structured clone of `[0, 7, 1, input]` is
 * cheaper than that of `{ type: 'run', id: 7, handler: 'x', input }`, and several tasks
 * (or results) travel in one `postMessage` when many are ready at once.
 */

import type { TransferListItem } from 'node:worker_threads';

// ---- main thread -> worker ---------------------------------------------------------------

export const RUN = 0;
export const CANCEL = 1;

/**
 * `[RUN, id, handler, input, attempt, id, handler, input, attempt, ...]`: one or more tasks, begun in this
 * order, at most `concurrency` at once; the rest wait in the thread (prefetch). `handler`
 * indexes the handler names the thread reported in READY, or is `-1 - index` for a prompt
 * task (one with a run timeout): the thread posts the results it holds before beginning it
 * and its own result as soon as it ends, so the pool learns of both at once.
 */
export type RunMessage = [typeof RUN, ...unknown[]];
/**
 * `[CANCEL, id]`: abort the task's `ctx.signal`; a task still waiting in the thread is
 * skipped (result SKIPPED). A task that already ended is ignored. The sender also sets
 * `cells[CONTROL]`, so a thread busy with a batch of synchronous tasks reads it before it
 * begins the next one.
 */
export type CancelMessage = [typeof CANCEL, number];
export type ToWorker = RunMessage | CancelMessage;

// ---- worker -> main thread ---------------------------------------------------------------

export const READY = 0;
export const LOAD_ERROR = 1;
export const RESULTS = 2;

/** `[READY, handlerNames]`: the task module loaded; these are its handlers, in index order. */
export type ReadyMessage = [typeof READY, string[]];
/** `[LOAD_ERROR, error]`: the task module failed to load (or has no handlers). */
export type LoadErrorMessage = [typeof LOAD_ERROR, SerializedError];
/** `[RESULTS, id, status, value, id, status, value, ...]`: one or more tasks ended. */
export type ResultsMessage = [typeof RESULTS, ...unknown[]];
export type FromWorker = ReadyMessage | LoadErrorMessage | ResultsMessage;

/** Result statuses. */
export const OK = 0;
/** The handler threw an Error: value is a SerializedError. */
export const ERROR = 1;
/** The handler threw something that is not an Error: value is that thing, cloned. */
export const THROWN = 2;
/** The output (or the thrown value) could not be cloned: value is the clone error's message. */
export const UNCLONEABLE = 3;
/** The task was cancelled before it began and never ran: value is `undefined`. */
export const SKIPPED = 4;

// ---- shared cells (an Int32Array over WorkerData.shared) ---------------------------------

/**
 * Tasks the thread has taken from its queue, in RUN order (begun or skipped). Written only
 * by the thread, before it begins each task: the pool reads it to learn which of its
 * prefetched tasks began, and, once the thread is gone, which never did.
 */
export const CONSUMED = 0;
/** Set by the pool after posting a CANCEL; the thread clears it and reads its port. */
export const CONTROL = 1;

/** What every thread of a pool loads. */
export interface ModuleData {
  /** URL of the in-thread entry (worker.ts or worker.js). */
  readonly entry: string;
  /** URL of the user's task module. */
  readonly module: string;
  /** URLs of tsx's ESM and CJS `register` APIs, when a `.ts` file must be loaded. */
  readonly tsx: readonly string[] | undefined;
}

/** What the thread is started with (`workerData`). */
export interface WorkerData extends ModuleData {
  /** Two Int32 cells: CONSUMED and CONTROL. */
  readonly shared: SharedArrayBuffer;
  /** Tasks the thread runs at once (`concurrentTasksPerThread`). */
  readonly concurrency: number;
}

// ---- errors ------------------------------------------------------------------------------

/**
 * An Error as plain data: a structured clone keeps only name/message/stack of built-in
 * errors and drops `cause` and own properties, so both sides (de)serialize explicitly.
 */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** `{ error }` for an Error cause, `{ value }` for anything else. */
  readonly cause?: { readonly error: SerializedError } | { readonly value: unknown };
  /** Own enumerable properties (e.g. `code`, `statusCode`). */
  readonly props?: Record<string, unknown>;
}

const MAX_CAUSE_DEPTH = 8;

/** A SerializedError being built (its fields are set one by one). */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function serializeError(error: Error, depth = 0): SerializedError {
  let props: Record<string, unknown> | undefined;
  for (const key of Object.keys(error)) {
    if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue;
    props ??= {};
    props[key] = (error as unknown as Record<string, unknown>)[key];
  }
  const out: Mutable<SerializedError> = {
    name: String(error.name),
    message: String(error.message),
    stack: error.stack,
  };
  if (props !== undefined) out.props = props;
  if ('cause' in error && depth < MAX_CAUSE_DEPTH) {
    const cause = error.cause;
    out.cause =
      cause instanceof Error ? { error: serializeError(cause, depth + 1) } : { value: cause };
  }
  return out;
}

/**
 * Drops what cannot be cloned (props, a non-Error cause) from a serialized error, so the
 * error still crosses the boundary when one of its properties cannot.
 */
export function cloneableError(error: SerializedError): SerializedError {
  const out: Mutable<SerializedError> = {
    name: error.name,
    message: error.message,
    stack: error.stack,
  };
  if (error.props !== undefined) {
    const props: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(error.props))
      if (cloneable(value)) props[key] = value;
    out.props = props;
  }
  if (error.cause !== undefined) {
    if ('error' in error.cause) out.cause = { error: cloneableError(error.cause.error) };
    else if (cloneable(error.cause.value)) out.cause = error.cause;
  }
  return out;
}

function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

const builtins: Record<string, ErrorConstructor | undefined> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Rebuilds an Error: the built-in class if its name is one, else `Error` with that name. */
export function reviveError(data: SerializedError): Error {
  const Ctor = Object.hasOwn(builtins, data.name) ? builtins[data.name] : undefined;
  const cause =
    data.cause === undefined
      ? undefined
      : 'error' in data.cause
        ? reviveError(data.cause.error)
        : data.cause.value;
  const error =
    data.cause === undefined
      ? new (Ctor ?? Error)(data.message)
      : new (Ctor ?? Error)(data.message, { cause });
  if (error.name !== data.name) define(error, 'name', data.name);
  define(error, 'stack', data.stack);
  if (data.props !== undefined) {
    for (const [key, value] of Object.entries(data.props)) {
      Object.defineProperty(error, key, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
  }
  return error;
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: false,
    configurable: true,
  });
}

// ---- transferable results ----------------------------------------------------------------

/** Marks a handler's return value as "move these objects, do not copy them". */
export const TRANSFER: unique symbol = Symbol.for('workpool.transfer');

/** What `transfer(value, list)` returns; `T` is the value the caller receives. */
export interface Transferred<T> {
  readonly [TRANSFER]: true;
  readonly value: T;
  readonly list: readonly TransferListItem[];
}

export function isTransferred(value: unknown): value is Transferred<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [TRANSFER]?: unknown })[TRANSFER] === true
  );
}
