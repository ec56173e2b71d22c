/**
 * `DistributedPool.map`: a lazy, bounded map over a source, `batch` items per job and at
 * most `window` jobs in flight. Nothing is pulled from the source before there is room.
 */
import { checks as v } from '../internal.js';
import type { DistributedTaskOptions } from './options.js';
import type { DistributedTask } from './task.js';

export interface DistributedMapOptions extends Omit<DistributedTaskOptions, 'id'> {
  /** Yield results in input order (`true`) or as jobs finish. @default true */
  readonly ordered?: boolean;
  /** Items per job. @default 1 */
  readonly batch?: number;
  /** Jobs in flight at once. @default 16 */
  readonly window?: number;
}

type Submit<T, R> = (
  items: T[],
  options: DistributedTaskOptions | undefined,
) => Promise<DistributedTask<R[]>>;

interface InFlight<R> {
  readonly task: DistributedTask<R[]>;
  /** Resolves with this entry once its job settles (either way). */
  readonly settled: Promise<InFlight<R>>;
}

export function mapJobs<T, R>(
  source: Iterable<T> | AsyncIterable<T>,
  submit: Submit<T, R>,
  options: DistributedMapOptions | undefined,
): AsyncGenerator<R> {
  const { ordered, batch, window, ...rest } = options ?? {};
  if ('id' in rest) throw new TypeError('Expected no `id` in map options (each job gets its own)');
  if (ordered !== undefined) v.boolean('ordered', ordered);
  const size = batch === undefined ? 1 : v.integer('batch', batch, 1);
  const most = window === undefined ? 16 : v.integer('window', window, 1);
  const taskOptions = Object.keys(rest).length === 0 ? undefined : rest;
  return run(source, submit, taskOptions, ordered ?? true, size, most);
}

async function* run<T, R>(
  source: Iterable<T> | AsyncIterable<T>,
  submit: Submit<T, R>,
  options: DistributedTaskOptions | undefined,
  ordered: boolean,
  size: number,
  most: number,
): AsyncGenerator<R> {
  const iterator =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (source as Iterable<T>)[Symbol.iterator]();
  const inflight: InFlight<R>[] = [];
  let exhausted = false;
  const fill = async (): Promise<void> => {
    while (!exhausted && inflight.length < most) {
      const items: T[] = [];
      while (items.length < size) {
        const next = await iterator.next();
        if (next.done === true) {
          exhausted = true;
          break;
        }
        items.push(next.value);
      }
      if (items.length === 0) return;
      const task = await submit(items, options);
      const entry: InFlight<R> = {
        task,
        settled: task.result.then(
          () => entry,
          () => entry,
        ),
      };
      inflight.push(entry);
    }
  };
  try {
    for (;;) {
      await fill();
      if (inflight.length === 0) return;
      const entry = ordered ? inflight[0] : await Promise.race(inflight.map((e) => e.settled));
      if (entry === undefined) return;
      inflight.splice(inflight.indexOf(entry), 1);
      yield* await entry.task.result;
    }
  } finally {
    for (const entry of inflight) entry.task.cancel();
    await iterator.return?.();
  }
}
