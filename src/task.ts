/**
 * `workpool/task`: what a task module imports. Tiny on purpose (it loads in every thread):
 * the `transfer` helper, the types of handlers, and `DataCloneError` (what `ctx.progress`
 * throws for a value that cannot cross). It never imports the pool.
 *
 * ```ts
 * import { type HandlerContext, transfer } from 'workpool/task';
 * export function invert(input: Uint8Array, { signal }: HandlerContext) {
 *   for (let i = 0; i < input.length; i++) input[i] = 255 - (input[i] ?? 0);
 *   return transfer(input, [input.buffer]);
 * }
 * ```
 */
import type { TransferListItem } from 'node:worker_threads';
import { TRANSFER, type Transferred } from './executors/thread/protocol.js';

export { DataCloneError } from './errors.js';
export type { Transferred };

/** The second argument of every handler. */
export interface HandlerContext {
  /** Aborts when the task is cancelled or times out. A handler that ignores it is killed after `killGrace`. */
  readonly signal: AbortSignal;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /**
   * Reports progress to the caller (the task's `onProgress`, the pool's `progress` event):
   * posted at once, before the result. Throws if `value` cannot be cloned.
   */
  progress(value: unknown): void;
}

/** A task handler: a named export (or a property of the default export) of a task module. */
export type Handler<I = unknown, O = unknown> = (
  input: I,
  context: HandlerContext,
) => O | PromiseLike<O>;

/**
 * Returns `value` to the caller, moving (not copying) the objects in `list`, e.g. the
 * `ArrayBuffer` behind a result. They are unusable in the thread afterwards.
 */
export function transfer<T>(value: T, list: readonly TransferListItem[]): Transferred<T> {
  return { [TRANSFER]: true, value, list };
}

// ---- types flowing from a task module -----------------------------------------------------

type AnyFunction = (...args: never[]) => unknown;

type OwnHandlers<M> = {
  [K in keyof M as K extends 'default' ? never : M[K] extends AnyFunction ? K : never]: M[K];
};

type DefaultHandlers<M> = M extends { readonly default: infer D }
  ? D extends AnyFunction
    ? { readonly default: D }
    : D extends object
      ? { [K in keyof D as D[K] extends AnyFunction ? K : never]: D[K] }
      : unknown
  : unknown;

/**
 * The handlers of a task module type (e.g. `typeof import('./tasks.js')`): its function
 * exports, plus the functions of a default-exported object (named exports win).
 */
export type HandlersOf<M> = OwnHandlers<M> & Omit<DefaultHandlers<M>, keyof OwnHandlers<M>>;

/** Names `run` accepts for module type `M`. */
export type HandlerName<M> = M extends unknown ? keyof HandlersOf<M> & string : never;

/** What handler `K` of `M` takes as input. */
export type HandlerInput<M, K extends HandlerName<M>> = HandlersOf<M>[K] extends (
  input: infer I,
  ...rest: never[]
) => unknown
  ? I
  : never;

/** What a handler's value is once it reaches the caller: `transfer(...)` unwrapped. */
type Delivered<V> = V extends Transferred<infer U> ? U : V;

/** Handlers of `M` that `stream` accepts: those returning an (async) iterable (any, untyped). */
export type StreamName<M> = {
  [K in HandlerName<M>]: HandlersOf<M>[K] extends (...args: never[]) => infer G
    ? G extends AsyncIterable<unknown> | Iterable<unknown>
      ? K
      : unknown extends G
        ? K
        : never
    : never;
}[HandlerName<M>];

/**
 * Handlers of `M` that `run` accepts: all but those returning an iterator (a generator
 * function's result), which only `stream` can deliver. Arrays, maps and sets are data.
 */
export type RunName<M> = M extends unknown ? Exclude<HandlerName<M>, Streaming<M>> : never;

/** Handlers of `M` that return an iterator (see RunName). */
type Streaming<M> = {
  [K in HandlerName<M>]: HandlersOf<M>[K] extends (...args: never[]) => infer R
    ? unknown extends R
      ? never
      : [R] extends [never] // throws, never returns
        ? never
        : R extends AsyncIterator<unknown> | Iterator<unknown>
          ? K
          : never
    : never;
}[HandlerName<M>];

/** What `stream(K, ...)` yields: each value of the handler's (async) iterable. */
export type StreamValue<M, K extends HandlerName<M>> = HandlersOf<M>[K] extends (
  ...args: never[]
) => infer G
  ? G extends AsyncIterable<infer V>
    ? Delivered<V>
    : G extends Iterable<infer V>
      ? Delivered<V>
      : unknown
  : never;

/** What a stream's `result` resolves with: its generator's return value. */
export type StreamReturn<M, K extends HandlerName<M>> = HandlersOf<M>[K] extends (
  ...args: never[]
) => infer G
  ? G extends AsyncGenerator<unknown, infer R> | Generator<unknown, infer R>
    ? R
    : unknown
  : never;

/** What `run(K, ...)` resolves with: the handler's result, awaited, `transfer(...)` unwrapped. */
export type HandlerOutput<M, K extends HandlerName<M>> = HandlersOf<M>[K] extends (
  ...args: never[]
) => infer R
  ? Awaited<R> extends Transferred<infer V>
    ? V
    : Awaited<R>
  : never;
