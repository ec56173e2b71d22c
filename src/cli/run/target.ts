/**
 * The pool a `workpool run` feeds: a ThreadPool running a handler of a task module, or
 * (`--async`) a Pool calling the module's export in-process. Either way it is checked before
 * the first line is read, so a module that does not load or an unknown handler ends the run
 * with exit code 2 and nothing written.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type Handler,
  Pool,
  type PoolStats,
  TaskModuleError,
  type TaskOptions,
  ThreadPool,
} from '../../index.js';
import { collectHandlers } from '../../task-module.js';
import { UsageError } from '../errors.js';
import type { Rate } from '../parse.js';
import type { Observable } from '../partial.js';

export interface TargetOptions {
  readonly module: string;
  readonly handler: string;
  readonly async: boolean;
  readonly threads: number | undefined;
  readonly concurrency: number | undefined;
  readonly maxQueue: number | undefined;
  readonly rate: Rate | undefined;
  readonly timeout: number | undefined;
  readonly retries: number;
}

/** What the runner needs of either pool. `run` rejects with the task's own error. */
export interface Target {
  /** Tasks that may run at once (threads × tasks per thread, or the async concurrency). */
  readonly capacity: number;
  run(input: unknown): Promise<unknown>;
  /** The pool's events (the progress bar reads `progress` and `end`). */
  readonly events: Observable;
  pause(): void;
  stats(): PoolStats;
  close(): Promise<unknown>;
  terminate(): Promise<unknown>;
}

type AnyPool = Pool | ThreadPool;

export async function createTarget(o: TargetOptions): Promise<Target> {
  const path = resolve(o.module);
  if (!existsSync(path)) throw new UsageError(`Task module not found: ${path}`);
  const taskOptions: TaskOptions = {
    ...(o.timeout === undefined ? {} : { timeout: o.timeout }),
    ...(o.retries === 0 ? {} : { retries: o.retries }),
  };
  const poolOptions = {
    ...(o.maxQueue === undefined ? {} : { maxQueue: o.maxQueue }),
    ...(o.rate === undefined ? {} : { rate: o.rate }),
  };
  if (o.async) {
    const fn = await loadHandler(path, o.handler);
    const concurrency = o.concurrency ?? 16;
    const pool = new Pool({ concurrency, ...poolOptions });
    return target(pool, concurrency, (input) =>
      pool.run((context) => fn(input, context), taskOptions),
    );
  }
  const threads = o.threads ?? (await import('node:os')).availableParallelism();
  const perThread = o.concurrency ?? 1;
  const pool = new ThreadPool({
    module: path,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerThread: perThread,
    ...poolOptions,
  });
  try {
    await checkHandler(pool, path, o.handler);
  } catch (error) {
    await pool.terminate();
    throw error;
  }
  return target(pool, threads * perThread, (input) => pool.run(o.handler, input, taskOptions));
}

function target(pool: AnyPool, capacity: number, run: Target['run']): Target {
  return {
    capacity,
    run,
    events: pool as Observable,
    pause: () => pool.pause(),
    stats: () => pool.stats(),
    close: () => pool.close(),
    terminate: () => pool.terminate(),
  };
}

/**
 * Waits for the module to load in a thread of the run's own pool (its `minThreads` start at
 * once) and checks `handler` against the handlers it has; `TaskModuleError` says why the
 * module does not load. No task is sent, so the check takes none of the pool's `--rate`.
 */
async function checkHandler(pool: ThreadPool, path: string, handler: string): Promise<void> {
  let available: readonly string[];
  try {
    available = await pool.handlers();
  } catch (error) {
    if (error instanceof TaskModuleError) throw new UsageError(error.message);
    throw new UsageError(`Task module ${path} could not be checked: ${String(error)}`);
  }
  if (!available.includes(handler)) throw new UsageError(unknownHandler(path, handler, available));
}

/** `--async`: the handler runs on the main thread, so the module is imported here. */
async function loadHandler(path: string, name: string): Promise<Handler> {
  if (/\.[cm]?tsx?$/.test(path)) await registerTypeScript(path);
  let ns: Record<string, unknown>;
  try {
    ns = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new UsageError(`Task module ${path} failed to load: ${why}`);
  }
  const { names, fns } = collectHandlers<Handler>(ns);
  const fn = fns[names.indexOf(name)];
  if (fn === undefined) throw new UsageError(unknownHandler(path, name, names));
  return fn;
}

/** tsx's loader hooks, so `import()` of a `.ts` module works under plain `node` too. */
async function registerTypeScript(path: string): Promise<void> {
  try {
    (await import('tsx/esm/api')).register();
    (await import('tsx/cjs/api')).register();
  } catch {
    throw new UsageError(
      `Task module ${path} is TypeScript and tsx was not found to load it: install tsx (npm install --save-dev tsx), or compile the module to .js`,
    );
  }
}

function unknownHandler(path: string, name: string, available: readonly string[]): string {
  const list = available.length > 0 ? available.join(', ') : '(no handlers)';
  return `Unknown handler ${JSON.stringify(name)}: task module ${path} exports ${list}`;
}
