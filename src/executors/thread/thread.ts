import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ResourceLimits, type TransferListItem, Worker } from 'node:worker_threads';
import type { Job } from '../../types.js';
import type { WorkerData } from './protocol.js';

/** A task for a thread: which handler of the task module, its input, what to move. */
export interface ThreadPayload {
  readonly name: string;
  readonly input: unknown;
  readonly transfer: readonly TransferListItem[] | undefined;
}

/** How threads are started (the `Worker` options a pool passes through). */
export interface SpawnOptions {
  readonly module: URL;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly env: NodeJS.Dict<string> | typeof import('node:worker_threads').SHARE_ENV | undefined;
  readonly argv: readonly unknown[] | undefined;
  readonly execArgv: readonly string[] | undefined;
}

/** Why the pool is ending a thread; `undefined` while the pool wants it. */
export type Fate = 'retire' | 'kill' | 'close' | undefined;

const TS = /\.[cm]?tsx?$/;

/**
 * The in-thread entry sits beside this file: `worker.ts` when the library runs from source
 * (its own tests, through tsx), `worker.js` once compiled.
 */
const entry = new URL(
  `./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

/**
 * Node 20 cannot start a worker from a `.ts` file, and a parent's `--import tsx` does not
 * make threads load TypeScript (measured on 20.20). So when the entry or the task module is
 * TypeScript, the bootstrap registers tsx's ESM and CJS hooks in the thread first (both:
 * a `.ts` file in a package without `"type": "module"` loads as CommonJS). Registering
 * again over an inherited `--import tsx` was checked to work.
 */
const bootstrap = `
const { workerData } = require('node:worker_threads');
(async () => {
  for (const api of workerData.tsx ?? []) (await import(api)).register();
  await import(workerData.entry);
})();
`;

function resolveTsx(module: URL): string[] | undefined {
  try {
    return [import.meta.resolve('tsx/esm/api'), import.meta.resolve('tsx/cjs/api')];
  } catch {}
  try {
    const require = createRequire(module);
    return [
      pathToFileURL(require.resolve('tsx/esm/api')).href,
      pathToFileURL(require.resolve('tsx/cjs/api')).href,
    ];
  } catch {}
  return undefined;
}

/**
 * Checks what can be checked without a thread. Returns the `workerData` to start threads
 * with, or the reason the module cannot load (the path and what to do).
 */
export function prepare(module: URL): WorkerData | Error {
  const path = module.protocol === 'file:' ? fileURLToPath(module) : module.href;
  if (module.protocol === 'file:' && !existsSync(path)) {
    return new Error(`file not found: ${path}`);
  }
  let tsx: string[] | undefined;
  if (TS.test(module.pathname) || TS.test(entry.pathname)) {
    tsx = resolveTsx(module);
    if (tsx === undefined) {
      return new Error(
        'it is TypeScript, and tsx was not found to load it in worker threads: ' +
          'install tsx (npm install --save-dev tsx), or compile the module to .js',
      );
    }
  }
  return { entry: entry.href, module: module.href, tsx };
}

let nextThreadId = 1;

/** One worker thread as the executor tracks it. Plain state; the executor owns the logic. */
export class Thread {
  readonly id = nextThreadId++;
  readonly worker: Worker;
  /** The module loaded (READY received). */
  online = false;
  fate: Fate = undefined;
  /** Handler names in index order, and name -> index. */
  handlers: readonly string[] = [];
  index: ReadonlyMap<string, number> = new Map();
  readonly jobs = new Map<number, Job<ThreadPayload>>();
  /** Jobs whose stop was asked; the kill timer runs while any remains. */
  readonly stopping = new Set<number>();
  killTimer: unknown = undefined;
  /** Tasks not posted yet: `[RUN, id, index, input, ...]`, and their transfer list. */
  outbox: unknown[] | undefined = undefined;
  transfer: TransferListItem[] | undefined = undefined;
  /** Why it is ending or failed to start: an 'error' event, a load error, or a kill. */
  error: Error | undefined = undefined;
  /** Resolves once the thread has exited. */
  readonly exited: Promise<number>;
  #referenced = true;

  constructor(data: WorkerData, options: SpawnOptions) {
    this.worker = new Worker(bootstrap, {
      eval: true,
      workerData: data,
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.argv === undefined ? {} : { argv: [...options.argv] }),
      ...(options.execArgv === undefined ? {} : { execArgv: [...options.execArgv] }),
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
  }

  /**
   * A thread keeps the process alive only while it starts or runs tasks: an idle pool
   * nobody closed does not hang the process.
   */
  reference(on: boolean): void {
    if (on === this.#referenced) return;
    this.#referenced = on;
    if (on) this.worker.ref();
    else this.worker.unref();
  }
}
