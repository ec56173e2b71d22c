/**
 * `pipeline(source, ...stages, options?)`: Go's pipeline pattern. Every stage runs as its own
 * loops, joined by bounded channels (`buffer`), so a slow stage throttles the ones before it
 * and, at the far end, the source: the source is pulled at most
 * `buffer + 1 + Σ (stage buffer + stage concurrency)` items ahead of the consumer (a batch
 * stage holds up to `size` instead of `concurrency`, a fan-out its branches' sum).
 *
 * All loops share one ErrGroup (see run.ts): the first error stops everything, and aborting
 * `options.signal` or stopping the consumer does the same without being an error.
 */
import { Readable } from 'node:stream';
import type { Channel } from '../sync/channel.js';
import { isThenable } from '../thenable.js';
import {
  type NormalizedPipelineOptions,
  normalizePipelineOptions,
  type PipelineOptions,
} from './options.js';
import { Run } from './run.js';
import { checkSource, pump } from './source.js';
import { toStep } from './stages.js';
import { close, type Env, Step, send } from './step.js';
import type { DeadLetter, Source } from './types.js';

/** A running pipeline: iterate it (once) for its output. */
export class Pipeline<T> implements AsyncIterableIterator<T, undefined> {
  readonly #run: Run<T>;
  readonly #deadLetters: Channel<DeadLetter>;
  readonly #done: Promise<void>;

  /** @internal Made by `pipeline()`. */
  constructor(source: Source<unknown>, steps: readonly Step[], o: NormalizedPipelineOptions) {
    const run = new Run<T>(o.signal, () => close(this.#deadLetters as Channel<unknown>));
    this.#run = run;
    this.#deadLetters = run.channel<DeadLetter>(o.buffer);
    const first = run.channel<unknown>(o.buffer);
    const channels = [first];
    for (const step of steps) channels.push(run.channel<unknown>(step.buffer ?? o.buffer));
    const callback = o.deadLetter;
    const env: Env = {
      run,
      ordered: o.ordered,
      buffer: o.buffer,
      onError: o.onError,
      deadLetter:
        callback === undefined
          ? (letter) => send(this.#deadLetters as Channel<unknown>, letter)
          : (letter) => {
              const handed = callback(letter);
              return isThenable(handed) ? Promise.resolve(handed) : undefined;
            },
    };
    steps.forEach((step, i) => {
      step.start(channels[i] as Channel<unknown>, channels[i + 1] as Channel<unknown>, env, i);
    });
    run.go(async () => {
      await pump(source, first, run);
      close(first);
    });
    this.#done = run.seal(channels[channels.length - 1] as Channel<T>);
  }

  /**
   * Settles once every stage and the source have stopped: resolves when the pipeline ran to
   * the end or its consumer stopped it, rejects with the first error (`TaskCancelledError`
   * when `signal` aborted). Never an unhandled rejection if nobody awaits it.
   */
  get done(): Promise<void> {
    return this.#done;
  }

  /**
   * Items that failed in a stage with `onError: 'dead-letter'`, when no `deadLetter` callback
   * was given. A channel of `buffer` capacity, closed when the pipeline stops: read it while
   * the output is read (e.g. in `Promise.all`), or a stage waits once it is full.
   */
  get deadLetters(): AsyncIterable<DeadLetter> {
    return this.#deadLetters;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    return this.#run.next();
  }

  /** Stops the pipeline (`break` calls it): stages are cancelled, the source closed. */
  return(): Promise<IteratorResult<T, undefined>> {
    return this.#run.return();
  }

  throw(): Promise<IteratorResult<T, undefined>> {
    return this.#run.throw();
  }

  /**
   * The output as an object-mode `Readable`, for `stream.pipeline`. Destroying it stops the
   * pipeline; a pipeline error destroys it with that error. It reads one item ahead (its
   * high-water mark is 1), one more than the bound. Object-mode streams cannot carry `null`:
   * a stage must not pass one on.
   */
  toStream(): Readable {
    return Readable.from(this, { objectMode: true, highWaterMark: 1 });
  }
}

/** The run-time side of `pipeline`: the overloads in signatures.ts type it. */
export function pipelineOf(args: readonly unknown[]): Pipeline<unknown> {
  const [source, ...rest] = args;
  checkSource(source);
  let options: PipelineOptions | undefined;
  const last = rest[rest.length - 1];
  if (rest.length > 0 && isOptions(last)) {
    options = last as PipelineOptions;
    rest.pop();
  }
  const steps = rest.map((spec, i) => toStep(spec, i));
  return new Pipeline(source as Source<unknown>, steps, normalizePipelineOptions(options));
}

/** The trailing options object: a plain object that is no stage. */
function isOptions(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Step) &&
    !('pool' in value) &&
    !('fn' in value) &&
    !('handler' in value)
  );
}
