/**
 * The step behind `map`, `filter`, `flatMap` and pool stages: one call per item, with its own
 * concurrency, order and error policy.
 *
 * - `concurrency` 1, or unordered: that many workers (Go's fan-out: several goroutines
 *   ranging over one channel), each holding one item at a time.
 * - ordered with `concurrency` c >= 2: a reader starts items and queues their results in a
 *   channel of c - 2 futures; an emitter passes them on in order. At most c items are held
 *   (one the reader is queueing, c - 2 queued, one the emitter awaits), so a slow item
 *   delays its successors without letting the stage run further ahead.
 */
import type { Channel } from '../sync/channel.js';
import { isThenable } from '../thenable.js';
import { close, drain, type Env, Step, send } from './step.js';
import type { ErrorPolicy } from './types.js';

/** Runs one item: a value, or a promise of one. Made per run by `Call.bind`. */
export type Invoke = (item: unknown, index: number) => unknown;

/** How a step calls its work: directly, or as a task on a pool. */
export interface Call {
  bind(signal: AbortSignal): Invoke;
  /** The concurrency when the stage sets none (a pool's size). */
  readonly defaultConcurrency: number;
}

export type Kind = 'map' | 'filter' | 'flatMap';

/** Marks an item a filter dropped or that became a dead letter. */
const SKIP: unique symbol = Symbol('skip');

const noop = (): void => {};

export interface MapStepOptions {
  readonly concurrency: number | undefined;
  readonly buffer: number | undefined;
  readonly ordered: boolean | undefined;
  readonly onError: ErrorPolicy | undefined;
  readonly name: string | undefined;
}

export class MapStep extends Step {
  readonly buffer: number | undefined;
  readonly #kind: Kind;
  readonly #call: Call;
  readonly #options: MapStepOptions;

  constructor(kind: Kind, call: Call, options: MapStepOptions) {
    super();
    this.#kind = kind;
    this.#call = call;
    this.#options = options;
    this.buffer = options.buffer;
  }

  start(input: Channel<unknown>, output: Channel<unknown>, env: Env, position: number): void {
    const o = this.#options;
    const concurrency = o.concurrency ?? this.#call.defaultConcurrency;
    const run = new ItemRun(this.#kind, this.#call.bind(env.run.signal), output, env, {
      position,
      name: o.name,
      deadLetters: (o.onError ?? env.onError) === 'dead-letter',
    });
    if (concurrency === 1 || !(o.ordered ?? env.ordered)) {
      let open = concurrency;
      for (let i = 0; i < concurrency; i++) {
        env.run.go(async () => {
          await worker(input, run, env);
          if (--open === 0) close(output);
        });
      }
      return;
    }
    const futures = env.run.channel<unknown>(concurrency - 2);
    env.run.go(async () => {
      await reader(input, futures, run, env);
      close(futures);
    });
    env.run.go(async () => {
      await emitter(futures, run, env);
      close(output);
    });
  }
}

/** Per-run state of one step: the bound call, the item counter, where failures go. */
class ItemRun {
  index = 0;
  readonly #kind: Kind;
  readonly #invoke: Invoke;
  readonly #output: Channel<unknown>;
  readonly #env: Env;
  readonly #where: { position: number; name: string | undefined; deadLetters: boolean };

  constructor(
    kind: Kind,
    invoke: Invoke,
    output: Channel<unknown>,
    env: Env,
    where: { position: number; name: string | undefined; deadLetters: boolean },
  ) {
    this.#kind = kind;
    this.#invoke = invoke;
    this.#output = output;
    this.#env = env;
    this.#where = where;
  }

  /** The item's outcome (what to emit, or SKIP), or a promise of it. */
  outcome(item: unknown): unknown {
    const index = this.index++;
    let result: unknown;
    try {
      result = this.#invoke(item, index);
    } catch (error) {
      return this.#failed(item, index, error);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => this.#shape(item, value),
        (error: unknown) => this.#failed(item, index, error),
      );
    }
    return this.#shape(item, result);
  }

  /** Passes an outcome on: nothing for SKIP, each element for flatMap. */
  emit(outcome: unknown): Promise<void> | undefined {
    if (outcome === SKIP) return undefined;
    if (this.#kind === 'flatMap') return this.#spread(outcome);
    return send(this.#output, outcome);
  }

  #shape(item: unknown, value: unknown): unknown {
    if (this.#kind === 'filter') return value ? item : SKIP;
    if (this.#kind === 'flatMap' && !isIterable(value)) {
      throw new TypeError(
        `Expected the flatMap of stage ${this.#where.position} to return an iterable or async iterable, got ${value === null ? 'null' : typeof value}`,
      );
    }
    return value;
  }

  async #spread(values: unknown): Promise<void> {
    const { run } = this.#env;
    for await (const value of values as AsyncIterable<unknown>) {
      run.check();
      const sending = send(this.#output, value);
      if (sending !== undefined) await sending;
    }
  }

  /** A failed item: rethrown (the pipeline fails), or a dead letter and SKIP. */
  #failed(item: unknown, index: number, error: unknown): unknown {
    const env = this.#env;
    if (!this.#where.deadLetters || env.run.halted) throw error;
    const { position, name } = this.#where;
    const letter = { item, error, stage: position, index, ...(name === undefined ? {} : { name }) };
    const handed = env.deadLetter(letter);
    return handed === undefined ? SKIP : handed.then(() => SKIP);
  }
}

/** A worker: each item's outcome, awaited, passed on. */
function worker(input: Channel<unknown>, run: ItemRun, env: Env): Promise<void> {
  return drain(input, env.run, (item) => passOn(run, run.outcome(item)));
}

/** Ordered: starts each item and queues its outcome (a promise, or already a value). */
function reader(
  input: Channel<unknown>,
  futures: Channel<unknown>,
  run: ItemRun,
  env: Env,
): Promise<void> {
  return drain(input, env.run, (item) => {
    const outcome = run.outcome(item);
    // Its failure is the emitter's to report, in order; until then it is handled.
    if (outcome instanceof Promise) outcome.catch(noop);
    return send(futures, outcome);
  });
}

/** Ordered: passes the queued outcomes on, each once it has settled. */
function emitter(futures: Channel<unknown>, run: ItemRun, env: Env): Promise<void> {
  return drain(futures, env.run, (outcome) => passOn(run, outcome));
}

function passOn(run: ItemRun, outcome: unknown): PromiseLike<unknown> | undefined {
  return isThenable(outcome) ? outcome.then((settled) => run.emit(settled)) : run.emit(outcome);
}

function isIterable(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    (Symbol.iterator in value || Symbol.asyncIterator in value)
  );
}
