/**
 * The one typed protocol across the thread boundary, imported by both sides (the pool's
 * executor and the in-thread entry). It imports nothing, so the thread loads only this.
 *
 * Messages are flat arrays, not objects: the structured clone of `[0, 7, 1, input]` is
 * cheaper than that of `{ type: 'run', id: 7, handler: 'x', input }`, and several tasks
 * (or results) travel in one `postMessage` when many are ready at once.
 *
 * Over ~300 lines: it is the whole wire, both directions, message by message with the
 * layout of each, the shared cells and the claim ring; one file so the two sides cannot
 * drift apart, and it may import nothing (the thread loads it first).
 */

import type { MessagePort, TransferListItem } from 'node:worker_threads';

// ---- main thread -> worker ---------------------------------------------------------------

export const RUN = 0;
export const CANCEL = 1;
export const CREDIT = 2;

/**
 * `[RUN, id, code, input, attempt, id, code, input, attempt, ...]`: one or more tasks, begun
 * in this order, at most `concurrency` at once; the rest wait in the thread (prefetch).
 * `code` is `index << 1 | ANNOUNCE?`: `index` of the handler names the thread reported in
 * READY. A task whose input was transferred is only ever sent to begin on arrival (see
 * ThreadJobs), so it never waits in a thread.
 */
export type RunMessage = [typeof RUN, ...unknown[]];
/**
 * A timed task the pool sent ahead (it does not know when it begins): the thread tells it
 * when it begins, in an empty RESULTS message, so its timeout starts then even if it never
 * ends on its own. (The pool infers the begin of untimed tasks sent ahead from the result
 * that frees their slot.)
 */
export const ANNOUNCE = 1;
/**
 * A streaming task (`ThreadPool.stream`): the handler returns an (async) iterable, and the
 * thread sends its values one by one (STREAMED), each only against credit (CREDIT).
 */
export const STREAM = 2;
/** `code` of a task: its handler's index and flags. */
export function taskCode(index: number, flags: number): number {
  return (index << 2) | flags;
}
/** The handler index of a task code. */
export function handlerOf(code: number): number {
  return code >> 2;
}
/**
 * `[CANCEL, id]`: abort the task's `ctx.signal`; a task still waiting in the thread is
 * skipped (result SKIPPED). A task that already ended is ignored. The sender also sets
 * `cells[CONTROL]`, so a thread busy with a batch of synchronous tasks reads it before it
 * begins the next one.
 */
export type CancelMessage = [typeof CANCEL, number];
/**
 * `[CREDIT, id, n]`: a streaming task may send `n` more values. A stream starts with none;
 * the pool grants its window once the stream has begun (BEGAN), then more as the caller
 * reads, so the thread's generator waits while the caller does not read. Ignored for a
 * task that is not streaming (any more).
 */
export type CreditMessage = [typeof CREDIT, number, number];
export type ToWorker = RunMessage | CancelMessage | CreditMessage;

// ---- worker -> main thread ---------------------------------------------------------------

export const READY = 0;
export const LOAD_ERROR = 1;
export const RESULTS = 2;
export const STREAMED = 3;
export const PROGRESS = 4;

/** `[READY, handlerNames]`: the task module loaded; these are its handlers, in index order. */
export type ReadyMessage = [typeof READY, string[]];
/** `[LOAD_ERROR, error]`: the task module failed to load (or has no handlers). */
export type LoadErrorMessage = [typeof LOAD_ERROR, SerializedError];
/**
 * `[RESULTS, id, status, value]`: a task ended, or `[RESULTS]`: an announcement. A result
 * is posted the moment its handler produced it, before the thread begins another task or
 * runs any other code: once posted it survives the thread (the pool drains the port when
 * the thread exits), so nothing that later happens to the thread can change it.
 */
export type ResultsMessage = [typeof RESULTS, ...unknown[]];
/**
 * `[STREAMED, id, BEGAN]`: a streaming task began; `[STREAMED, id, VALUE, value]`: its
 * next value, posted the moment the generator yields it (like a result: never held). Its
 * end (the generator's return value, or its error) is an ordinary RESULTS entry, posted
 * after its last value on the same port, so the pool sees every value before the end.
 */
export type StreamedMessage =
  | [typeof STREAMED, number, typeof BEGAN]
  | [typeof STREAMED, number, typeof VALUE, unknown];
export const BEGAN = 0;
export const VALUE = 1;
/** `[PROGRESS, id, value]`: the handler called `ctx.progress(value)`; posted at once. */
export type ProgressMessage = [typeof PROGRESS, number, unknown];
export type FromWorker =
  | ReadyMessage
  | LoadErrorMessage
  | ResultsMessage
  | StreamedMessage
  | ProgressMessage;

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
/**
 * The handler let the DataCloneError of a `ctx.progress(value)` call escape (the value
 * could not be cloned): value is the clone error's message.
 */
export const UNCLONEABLE_PROGRESS = 5;

// ---- shared cells (an Int32Array over WorkerData.shared) ---------------------------------

/**
 * Tasks the thread has taken from its queue, in RUN order (begun or skipped). Written only
 * by the thread, before it begins each task: the pool reads it to learn which of its
 * prefetched tasks began, and, once the thread is gone, which never did.
 */
export const CONSUMED = 0;
/** Set by the pool after posting a CANCEL; the thread clears it and reads its port. */
export const CONTROL = 1;
/**
 * Messages the thread has posted to the pool, counted after each post. The pool reads it
 * while it spins for a reply (see `spin`), and on a change takes the replies from the port
 * at once (`receiveMessageOnPort`) instead of waiting for its event loop to wake.
 */
export const POSTED = 2;
/**
 * Messages the pool has posted to the thread, counted after each post. An idle thread reads
 * it while it spins for the next task, so its next task needs no wake-up of its event loop
 * (a wake costs the sender far more than a post to a spinning thread).
 */
export const SENT = 3;
/**
 * From here, a ring of claims, one per task sent: the k-th task the thread receives is
 * claimed at `CLAIMS + (k & (ring - 1))`. Before beginning a task the thread turns its claim
 * from OPEN to TAKEN; the pool steals a task that waits in a busy thread by turning it from
 * OPEN to STOLEN (and gives it to an idle thread). Exactly one of them succeeds, so a task
 * runs at most once; the thread passes over a STOLEN task without a reply. The pool opens a
 * claim when it sends the task, and keeps fewer than `ring` tasks unpassed by the thread, so
 * a claim is never reused before the thread has passed it.
 */
export const CLAIMS = 4;
export const OPEN = 0;
export const TAKEN = 1;
export const STOLEN = 2;

/** Int32 cells of a thread whose claim ring has `ring` entries. */
export function cellCount(ring: number): number {
  return CLAIMS + ring;
}

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
  /** The Int32 cells CONSUMED, CONTROL, POSTED, SENT and the CLAIMS ring. */
  readonly shared: SharedArrayBuffer;
  /**
   * The thread's end of its own channel: tasks come in and replies go out here, not on
   * `parentPort`, because only a `MessagePort` can be read synchronously by the pool.
   */
  readonly port: MessagePort;
  /** Tasks the thread runs at once (`concurrentTasksPerThread`). */
  readonly concurrency: number;
  /** Entries of the claim ring (a power of two). */
  readonly ring: number;
  /** Most µs an idle thread busy-waits for its next task (the pool's `spin`; 0: never). */
  readonly spin: number;
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

// ---- spinning ----------------------------------------------------------------------------

/**
 * Bounded, adaptive busy-waiting, used by both ends of a thread's channel. A reply to a
 * short task, or the next task of a busy pool, is there within a few µs, but a thread whose
 * event loop went to sleep takes much longer to wake, and waking it costs the sender as
 * much (the figures: docs/ARCHITECTURE.md, "Spinning instead of sleeping").
 *
 * A spin that times out doubles the number of spins skipped after it (up to MAX_PENALTY),
 * so waits that are long anyway cost almost no spinning; one that succeeds resets that. At
 * most TURN_MS of each turn of the event loop goes to spinning (and what the polls do), so
 * timers and I/O still run while messages keep arriving.
 */

/** Ms of one event-loop turn that may go to spinning. */
const TURN_MS = 1;
/** Most spins skipped after spins that timed out. */
const MAX_PENALTY = 64;

export class Spinner {
  /** Most µs one spin lasts (0: never spin). */
  readonly micros: number;
  readonly #now: () => number;
  readonly #nextTurn: (fn: () => void) => void;
  #skip = 0;
  #penalty = 0;
  /** When spinning began in this turn of the event loop (-1: not yet). */
  #turn = -1;

  /** `now` (ms) and `nextTurn` (runs a callback in the next turn of the event loop) are for tests. */
  constructor(
    micros: number,
    now: () => number = () => performance.now(),
    nextTurn: (fn: () => void) => void = setImmediate,
  ) {
    this.micros = micros;
    this.#now = now;
    this.#nextTurn = nextTurn;
  }

  /** Calls `poll` until it returns true (then true) or the spin times out or is skipped (false). */
  spin(poll: () => boolean): boolean {
    if (this.micros <= 0) return false;
    if (this.#skip > 0) {
      this.#skip--;
      return false;
    }
    const start = this.#now();
    if (this.#turn < 0) {
      this.#turn = start;
      this.#nextTurn(this.#newTurn);
    } else if (start - this.#turn >= TURN_MS) return false;
    const deadline = start + this.micros / 1000;
    do {
      if (poll()) {
        this.#penalty = 0;
        return true;
      }
    } while (this.#now() < deadline);
    this.#penalty = Math.min(this.#penalty * 2 || 1, MAX_PENALTY);
    this.#skip = this.#penalty;
    return false;
  }

  readonly #newTurn = (): void => {
    this.#turn = -1;
  };
}
