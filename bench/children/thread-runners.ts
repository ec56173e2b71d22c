/**
 * One adapter per thread pool, so every contender is driven the same way: a fixed number
 * of threads (min = max), one task per thread at a time, unbounded queue, default
 * everything else (what a user gets).
 */
import { Piscina } from 'piscina';
import { FixedThreadPool } from 'poolifier';
import { Tinypool } from 'tinypool';
import workerpool from 'workerpool';
import { SkipError } from './common.js';
import { loadWorkpool } from './workpool.js';

export type Handler = 'noop' | 'busy' | 'gate';

export interface ThreadRunner {
  run(name: Handler, input: unknown): Promise<unknown>;
  /** Tasks waiting in the pool's own queue (poolifier without a tasks queue: 0, they wait in the workers' ports). */
  queued(): number;
  close(): Promise<void>;
}

const task = (peer: string): URL => new URL(`../tasks/${peer}.mjs`, import.meta.url);

/** The slice of workpool's ThreadPool this benchmark uses (typed here: it may not exist yet). */
interface ThreadPoolLike {
  run(name: string, input: unknown): Promise<unknown>;
  stats(): { readonly queued: number };
  close(): Promise<unknown>;
}
type ThreadPoolCtor = new (options: {
  module: URL;
  minThreads: number;
  maxThreads: number;
}) => ThreadPoolLike;

/** Loads workpool's ThreadPool, or explains why it cannot (the child reports "skipped"). */
export async function loadThreadPool(): Promise<ThreadPoolCtor> {
  const mod = (await loadWorkpool()) as unknown as Record<string, unknown>;
  const ctor = mod.ThreadPool;
  if (typeof ctor !== 'function')
    throw new SkipError('ThreadPool is not exported from src/index.ts yet');
  return ctor as ThreadPoolCtor;
}

/** Builds the pool. `ThreadPool` must be loaded first (outside the timed region). */
export function makeThreadRunner(
  contender: string,
  threads: number,
  ThreadPool?: ThreadPoolCtor,
): ThreadRunner {
  switch (contender) {
    case 'workpool': {
      if (ThreadPool === undefined) throw new Error('loadThreadPool() first');
      const pool = new ThreadPool({
        module: task('workpool'),
        minThreads: threads,
        maxThreads: threads,
      });
      return {
        run: (name, input) => pool.run(name, input),
        queued: () => pool.stats().queued,
        close: async () => {
          await pool.close();
        },
      };
    }
    case 'piscina': {
      const pool = new Piscina({
        filename: task('piscina').href,
        minThreads: threads,
        maxThreads: threads,
      });
      return {
        run: (name, input) => pool.run(input, { name }),
        queued: () => pool.queueSize,
        close: () => pool.destroy(),
      };
    }
    case 'tinypool': {
      const pool = new Tinypool({
        filename: task('tinypool').href,
        minThreads: threads,
        maxThreads: threads,
      });
      return {
        run: (name, input) => pool.run(input, { name }),
        queued: () => pool.queueSize,
        close: () => pool.destroy(),
      };
    }
    case 'workerpool': {
      const pool = workerpool.pool(task('workerpool').pathname, {
        minWorkers: threads,
        maxWorkers: threads,
        workerType: 'thread',
      });
      return {
        run: (name, input) => Promise.resolve(pool.exec(name, [input])),
        queued: () => pool.stats().pendingTasks,
        close: async () => {
          await pool.terminate();
        },
      };
    }
    case 'poolifier': {
      const pool = new FixedThreadPool<unknown, unknown>(threads, task('poolifier').pathname);
      return {
        run: (name, input) => pool.execute(input, name),
        queued: () => pool.info.queuedTasks ?? 0,
        close: () => pool.destroy(),
      };
    }
    default:
      throw new Error(`unknown contender ${contender}`);
  }
}
