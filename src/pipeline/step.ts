/**
 * What a stage is at run time: a `Step` that, given its input and output channels, starts
 * its loops in the pipeline's group. Every public stage (a function, a pool object, `map`,
 * `filter`, `batch`, `fanOut`, ...) becomes one.
 */
import { TaskCancelledError } from '../errors.js';
import type { Channel } from '../sync/channel.js';
import { FlowChannel } from './flow-channel.js';
import type { DeadLetter, ErrorPolicy } from './types.js';

/**
 * The running group a loop belongs to (see run.ts). Loops wait on channels without a signal
 * (an abort listener per wait would cost more than the item): when the group aborts, it
 * closes every channel made by `channel()`, which wakes every waiting loop, and loops check
 * `halted` between items.
 */
export interface RunControl {
  /** Aborts on the first error, on the caller's signal, or when the consumer stops. */
  readonly signal: AbortSignal;
  /** Whether `signal` has aborted (a plain field: read once per item). */
  readonly halted: boolean;
  /** Throws the cancellation error once halted. */
  check(): void;
  /** A channel the group closes when it aborts. */
  channel<C>(capacity: number): Channel<C>;
  /** Runs `fn` as one more function of the group. */
  go(fn: () => Promise<void>): void;
}

/** What a step needs from the pipeline it runs in. */
export interface Env {
  readonly run: RunControl;
  /** The pipeline's defaults, for stages that leave them unset. */
  readonly ordered: boolean;
  readonly buffer: number;
  readonly onError: ErrorPolicy;
  /** Hands a failed item on: the callback's promise, or the dead-letter channel's send. */
  deadLetter(letter: DeadLetter): void | Promise<void>;
}

export abstract class Step {
  /** Capacity of the channel this step writes to; `undefined`: the pipeline's `buffer`. */
  abstract readonly buffer: number | undefined;

  /**
   * Starts the step: it reads `input` until it is closed, writes `output`, and closes
   * `output` once it has written everything. `position` is its place in the pipeline.
   */
  abstract start(
    input: Channel<unknown>,
    output: Channel<unknown>,
    env: Env,
    position: number,
  ): void;
}

/** The error a stage loop throws when it finds the pipeline aborted between two items. */
export function aborted(signal: AbortSignal): TaskCancelledError {
  return signal.reason instanceof TaskCancelledError
    ? signal.reason
    : new TaskCancelledError('Pipeline was cancelled', { cause: signal.reason });
}

/**
 * Sends without a promise when the channel has room (the hot path), else waits: for half the
 * buffer on a channel between stages (FlowChannel), for one slot on any other.
 */
export function send(channel: Channel<unknown>, value: unknown): Promise<void> | undefined {
  if (channel instanceof FlowChannel) return channel.put(value);
  return channel.trySend(value) ? undefined : channel.send(value);
}

/** Closes a channel unless the group's abort closed it already. */
export function close(channel: Channel<unknown>): void {
  if (!channel.closed) channel.close();
}

/**
 * Every stage's loop: takes each value of `from` until it is closed, and hands it to
 * `handle`, waiting for the promise it returns, if any (none on the hot path). Throws once
 * `run` is halted. A waiting receive takes `signal` only for a channel the group does not
 * own (a Channel source).
 */
export async function drain(
  from: Channel<unknown>,
  run: RunControl,
  handle: (value: unknown) => PromiseLike<unknown> | undefined,
  wait?: { readonly signal: AbortSignal },
): Promise<void> {
  for (;;) {
    run.check();
    const r = from.tryReceive() ?? (await from.receive(wait));
    if (!r.ok) return run.check();
    const handled = handle(r.value);
    if (handled !== undefined) await handled;
  }
}

/** Copies `from` into `to` until `from` is closed (without closing `to`). */
export function forward(
  from: Channel<unknown>,
  to: Channel<unknown>,
  run: RunControl,
  wait?: { readonly signal: AbortSignal },
): Promise<void> {
  return drain(from, run, (value) => send(to, value), wait);
}
