import { ChannelClosedError } from '../errors.js';
import * as v from '../validate.js';
import { type Channel, channelInternals, type ReceiveResult } from './channel.js';
import { cancelled, listen, type SignalOptions } from './signal.js';

/** A case ready when `receive` has a value or is closed (Go's `case v, ok := <-ch`). */
export interface ReceiveCase<T> {
  readonly receive: Channel<T>;
}

/** A case ready when `send` can take `value` without waiting (Go's `case ch <- v`). */
export interface SendCase<T> {
  readonly send: Channel<T>;
  readonly value: T;
}

/** Runs when no other case is ready (Go's `default:`); at most one per select. */
export interface DefaultCase<R> {
  readonly default: () => R;
}

/** A receive case with a body. (Named `do`, not `then`, so a case is never a thenable.) */
export interface ReceiveHandler<T> extends ReceiveCase<T> {
  readonly do?: (result: ReceiveResult<T>) => unknown;
}

/** A send case with a body, run after the value was taken. */
export interface SendHandler<T> {
  readonly send: Channel<T>;
  /** `NoInfer`: the channel alone decides `T`, so a literal value does not narrow it. */
  readonly value: NoInfer<T>;
  readonly do?: () => unknown;
}

/** A case without a body, for the raw form. */
type RawCase =
  | (ReceiveCase<unknown> & { readonly do?: never })
  | (SendCase<unknown> & { readonly do?: never })
  | DefaultCase<unknown>;

/** Any case, as accepted at run time. */
export type SelectCase =
  | (ReceiveCase<unknown> & { readonly do?: (result: never) => unknown })
  | (SendCase<unknown> & { readonly do?: () => unknown })
  | DefaultCase<unknown>;

type Index<K> = K extends `${infer N extends number}` ? N : never;

type Outcome<C, I> =
  C extends DefaultCase<infer R>
    ? Awaited<R>
    : C extends ReceiveCase<infer T>
      ? { index: I; value: T; ok: true } | { index: I; value: undefined; ok: false }
      : C extends SendCase<unknown>
        ? { index: I }
        : never;

/**
 * What a select without bodies resolves with, discriminated by `index` (the winning case's
 * position): `{ index, value, ok }` for a receive, `{ index }` for a send, and the default
 * function's result for the default case.
 */
export type Selected<C extends readonly unknown[]> = {
  [K in keyof C]: Outcome<C[K], Index<K>>;
}[number];

/** Mapped over the channels' element types, so each body's parameter is typed from its channel. */
type HandlerCases<T extends readonly unknown[]> = {
  readonly [K in keyof T]: ReceiveHandler<T[K]> | SendHandler<T[K]> | DefaultCase<unknown>;
};

/** Types each send case's `value` against its channel (the raw form infers cases as written). */
type CheckSends<C extends readonly unknown[]> = {
  readonly [K in keyof C]: C[K] extends { send: Channel<infer T> } ? SendCase<T> : unknown;
};

/**
 * Go's `select`: waits until one case can proceed, commits to exactly that one, and resolves.
 *
 * - If several cases are ready, one is chosen uniformly at random (as Go does), so no channel
 *   starves another.
 * - With a default case and nothing ready, the default runs at once.
 * - Without one, the select waits. It registers on every channel; the first channel to
 *   complete a case commits the select and synchronously withdraws it from the others, so a
 *   losing channel never gives up a value (or takes one). `select([])` waits forever, like
 *   Go's `select {}`, unless `signal` aborts.
 * - A receive case on a closed channel is ready with `{ ok: false }`. A send case on a closed
 *   channel rejects `ChannelClosedError`, deterministically (Go panics when it polls it), and so
 *   does a waiting select whose send case's channel closes.
 * - An already-aborted `signal` rejects before anything is attempted; aborting while waiting
 *   withdraws every registration and rejects `TaskCancelledError`.
 *
 * Forms, checked by the types:
 * - cases with bodies (`do`): resolves with the winning body's (awaited) result, typed
 *   `unknown`. Each body's parameter is typed from its channel; TypeScript cannot also infer
 *   the union of the bodies' results from the same array literal, so bodies are for effects
 *   (Go's case bodies) and results wanted typed come from the raw form.
 *   A case without a body resolves with its raw outcome, as below.
 * - no case has a body: resolves with a {@link Selected} outcome discriminated by `index`.
 * - a case array built at run time (Go's `reflect.Select`), e.g. typed
 *   `(ReceiveCase<T> | SendCase<T>)[]`, takes the first form and resolves `unknown`.
 *
 * Bodies run after the commit, outside the channels' bookkeeping; a throwing body rejects.
 */
export function select<const C extends readonly RawCase[]>(
  cases: C & CheckSends<C>,
  options?: SignalOptions,
): Promise<Selected<C>>;
export function select<const T extends readonly unknown[]>(
  cases: HandlerCases<T>,
  options?: SignalOptions,
): Promise<unknown>;
export async function select(
  cases: readonly SelectCase[],
  options?: SignalOptions,
): Promise<unknown> {
  const defaultIndex = validate(cases);
  const signal = options?.signal;
  if (signal?.aborted) throw cancelled(signal, 'select');
  cases.forEach((c, index) => {
    if ('send' in c && c.send.closed) {
      throw new ChannelClosedError(`Send on a closed channel (select case ${index})`);
    }
  });

  for (const index of shuffledIndices(cases.length)) {
    const c = cases[index];
    if (c === undefined || 'default' in c) continue;
    if ('receive' in c) {
      const result = c.receive.tryReceive();
      if (result !== undefined) return finish(c, index, result);
    } else if (c.send.trySend(c.value)) {
      return finish(c, index, undefined);
    }
  }
  const fallback = defaultIndex === -1 ? undefined : cases[defaultIndex];
  if (fallback !== undefined && 'default' in fallback) return fallback.default();

  const won = await wait(cases, signal);
  const c = cases[won.index];
  if (c === undefined || 'default' in c) throw new Error('unreachable: select won a default');
  return finish(c, won.index, won.result);
}

function validate(cases: readonly SelectCase[]): number {
  v.array('cases', cases);
  let defaultIndex = -1;
  cases.forEach((c: unknown, index) => {
    const kinds =
      typeof c === 'object' && c !== null
        ? ['receive', 'send', 'default'].filter((k) => k in c).length
        : 0;
    if (kinds !== 1) {
      throw new TypeError(
        `Expected select case ${index} to have exactly one of \`receive\`, \`send\`, \`default\``,
      );
    }
    if (typeof c === 'object' && c !== null && 'default' in c) {
      if (defaultIndex !== -1) throw new TypeError('Expected at most one default case in select');
      defaultIndex = index;
    }
  });
  return defaultIndex;
}

/** A fresh Fisher–Yates permutation of `0..n-1`: the poll order, so ready cases win fairly. */
function shuffledIndices(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const a = order[i];
    const b = order[j];
    if (a === undefined || b === undefined) continue;
    order[i] = b;
    order[j] = a;
  }
  return order;
}

type Won = { index: number; result: ReceiveResult<unknown> | undefined };

/** Registers on every channel; the first to complete a case wins and withdraws the rest. */
function wait(cases: readonly SelectCase[], signal: AbortSignal | undefined): Promise<Won> {
  const { addReceiver, addSender } = channelInternals();
  return new Promise<Won>((resolve, reject) => {
    const withdrawals: (() => void)[] = [];
    let dispose = (): void => {};
    // Runs synchronously inside the winning channel's operation: once it returns, this select
    // is in no other queue, so no other channel can hand it a value or take one from it.
    const commit = (): void => {
      dispose();
      for (const withdraw of withdrawals) withdraw();
    };
    cases.forEach((c, index) => {
      if ('receive' in c) {
        withdrawals.push(
          addReceiver(c.receive, {
            deliver: (result) => {
              commit();
              resolve({ index, result });
            },
          }),
        );
      } else if ('send' in c) {
        withdrawals.push(
          addSender(c.send, {
            value: c.value,
            delivered: () => {
              commit();
              resolve({ index, result: undefined });
            },
            rejected: (error) => {
              commit();
              reject(error);
            },
          }),
        );
      }
    });
    dispose = listen(signal, () => {
      commit();
      if (signal !== undefined) reject(cancelled(signal, 'select'));
    });
  });
}

function finish(
  c: Exclude<SelectCase, DefaultCase<unknown>>,
  index: number,
  result: ReceiveResult<unknown> | undefined,
): unknown {
  if ('receive' in c) {
    const outcome = result ?? { value: undefined, ok: false };
    // The runtime form accepts any body; the overloads tie its parameter to the channel's type.
    const body = c.do as ((r: ReceiveResult<unknown>) => unknown) | undefined;
    return body !== undefined ? body(outcome) : { index, ...outcome };
  }
  return c.do !== undefined ? c.do() : { index };
}
