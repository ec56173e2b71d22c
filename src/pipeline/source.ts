/**
 * Pulling a source into a channel, one item at a time, only as fast as the channel takes
 * them: an array or iterable, an async iterable (a generator, a Node `Readable` in object
 * mode), or a `Channel` (received from, never closed by the pipeline).
 *
 * When the pump stops early (the pipeline failed, was cancelled, or its consumer stopped),
 * it closes the source: the iterator's `return()` is called, at once if the pump is waiting
 * for the source's next item (an async generator still finishes that step first, as the
 * language requires), and a `Readable` is destroyed, which ends any read in progress.
 */
import { Readable } from 'node:stream';
import { Channel } from '../sync/channel.js';
import { listen } from '../sync/signal.js';
import * as v from '../validate.js';
import { forward, type RunControl, send } from './step.js';
import type { Source } from './types.js';

/** Checks a source, so a wrong one fails when the pipeline is made, not when it runs. */
export function checkSource(source: unknown, name = 'source'): Source<unknown> {
  if (
    source instanceof Channel ||
    (typeof source === 'object' &&
      source !== null &&
      (Symbol.iterator in source || Symbol.asyncIterator in source))
  ) {
    return source as Source<unknown>;
  }
  throw new TypeError(
    `Expected \`${name}\` to be an iterable, an async iterable, a Channel or a Readable, got ${v.describe(source)}`,
  );
}

/**
 * Moves every item of `source` into `output` (which it does not close); throws once `run`
 * is halted.
 */
export async function pump(
  source: Source<unknown>,
  output: Channel<unknown>,
  run: RunControl,
): Promise<void> {
  // A Channel source is not the group's: its waits take the signal.
  if (source instanceof Channel) return forward(source, output, run, { signal: run.signal });
  if (Symbol.asyncIterator in source) return fromAsync(source, output, run);
  return fromSync(source, output, run);
}

async function fromSync(
  source: Iterable<unknown>,
  output: Channel<unknown>,
  run: RunControl,
): Promise<void> {
  const iterator = source[Symbol.iterator]();
  let finished = false;
  try {
    for (;;) {
      run.check();
      // A `next()` that throws or is done ended the iterator itself: nothing to close.
      finished = true;
      const r = iterator.next();
      if (r.done === true) return;
      finished = false;
      const sending = send(output, r.value);
      if (sending !== undefined) await sending;
    }
  } finally {
    if (!finished) iterator.return?.();
  }
}

async function fromAsync(
  source: AsyncIterable<unknown>,
  output: Channel<unknown>,
  run: RunControl,
): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    if (source instanceof Readable) source.destroy();
    try {
      Promise.resolve(iterator.return?.()).catch(() => {});
    } catch {
      // A source that fails to close has nothing left to give.
    }
  };
  // Called at once on abort, even while a `next()` is pending.
  const dispose = listen(run.signal, close);
  try {
    for (;;) {
      run.check();
      let r: IteratorResult<unknown>;
      try {
        r = await iterator.next();
      } catch (error) {
        closed ||= !run.halted; // the source's own failure: it is done already
        throw error;
      }
      if (r.done === true) {
        closed = true;
        return;
      }
      const sending = send(output, r.value);
      if (sending !== undefined) await sending;
    }
  } finally {
    dispose();
    close();
  }
}
