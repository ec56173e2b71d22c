/**
 * The errors workpool raises. Callers test `instanceof` or `code`, never message text.
 * Every class takes an optional `cause` (the standard `ErrorOptions`).
 */

/** Stable machine-readable codes, one per error class. */
export type WorkpoolErrorCode =
  | 'ERR_TASK_TIMEOUT'
  | 'ERR_TASK_CANCELLED'
  | 'ERR_QUEUE_FULL'
  | 'ERR_POOL_CLOSED'
  | 'ERR_WORKER_CRASHED'
  | 'ERR_CHANNEL_CLOSED'
  | 'ERR_TASK_MODULE'
  | 'ERR_UNKNOWN_HANDLER'
  | 'ERR_DATA_CLONE'
  | 'ERR_TASK_DROPPED'
  | 'ERR_MISSING_PEER'
  | 'ERR_JOB_MOVE'
  | 'ERR_REDIS_UNAVAILABLE'
  | 'ERR_REDIS_CONFIG'
  | 'ERR_JOB_NOT_FOUND'
  | 'ERR_JOB_STATE';

/** Base class of every error workpool raises itself (a task's own errors pass through as-is). */
export class WorkpoolError extends Error {
  readonly code: WorkpoolErrorCode;
  constructor(code: WorkpoolErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
  override get name(): string {
    return this.constructor.name;
  }
}

/** A task ran longer than its `timeout` (run time, measured from its start). */
export class TaskTimeoutError extends WorkpoolError {
  /** The timeout that expired, in milliseconds. */
  readonly timeout: number;
  /** `'run'` for `timeout`, `'queue'` for `queueTimeout`, `'gap'` for a stream's `gapTimeout`. */
  readonly phase: 'run' | 'queue' | 'gap';
  constructor(timeout: number, phase: 'run' | 'queue' | 'gap' = 'run', options?: ErrorOptions) {
    super(
      'ERR_TASK_TIMEOUT',
      phase === 'run'
        ? `Task timed out after ${timeout} ms of run time`
        : phase === 'queue'
          ? `Task waited longer than its queueTimeout of ${timeout} ms`
          : `Stream sent no value for its gapTimeout of ${timeout} ms`,
      options,
    );
    this.timeout = timeout;
    this.phase = phase;
  }
}

/** A task was cancelled: `task.cancel()`, its `signal` aborted, `terminate()`, or a sibling's failure. */
export class TaskCancelledError extends WorkpoolError {
  constructor(message = 'Task was cancelled', options?: ErrorOptions) {
    super('ERR_TASK_CANCELLED', message, options);
  }
}

/** The queue holds `maxQueue` tasks and the overflow policy does not wait. */
export class QueueFullError extends WorkpoolError {
  readonly maxQueue: number;
  constructor(maxQueue: number, message?: string, options?: ErrorOptions) {
    super('ERR_QUEUE_FULL', message ?? `Queue is full (maxQueue: ${maxQueue})`, options);
    this.maxQueue = maxQueue;
  }
}

/** Work was offered to a pool after `close()` or `terminate()`, or was still queued at `terminate()`. */
export class PoolClosedError extends WorkpoolError {
  constructor(message = 'Pool is closed', options?: ErrorOptions) {
    super('ERR_POOL_CLOSED', message, options);
  }
}

/** A worker thread died (exit, uncaught error, out of memory) while it ran the task. */
export class WorkerCrashedError extends WorkpoolError {
  /** The thread's exit code, when it exited. */
  readonly exitCode: number | undefined;
  constructor(message: string, exitCode?: number, options?: ErrorOptions) {
    super('ERR_WORKER_CRASHED', message, options);
    this.exitCode = exitCode;
  }
}

/** Send on, or close of, a closed channel. */
export class ChannelClosedError extends WorkpoolError {
  constructor(message = 'Channel is closed', options?: ErrorOptions) {
    super('ERR_CHANNEL_CLOSED', message, options);
  }
}

/** A thread pool's task module could not be loaded (missing, syntax error, threw at import). */
export class TaskModuleError extends WorkpoolError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_TASK_MODULE', message, options);
  }
}

/** A thread pool was asked for a handler its task module does not export. */
export class UnknownHandlerError extends WorkpoolError {
  readonly handler: string;
  readonly available: readonly string[];
  constructor(handler: string, available: readonly string[], options?: ErrorOptions) {
    super(
      'ERR_UNKNOWN_HANDLER',
      `Unknown handler ${JSON.stringify(handler)}; the task module exports: ${
        available.length > 0 ? available.join(', ') : '(no handlers)'
      }`,
      options,
    );
    this.handler = handler;
    this.available = available;
  }
}

/**
 * A task's input, output or a `ctx.progress(value)` value cannot cross a thread boundary
 * (structured clone failed). For progress it is thrown by `ctx.progress` in the handler;
 * the task fails with it unless the handler catches it.
 */
export class DataCloneError extends WorkpoolError {
  readonly direction: 'input' | 'output' | 'progress';
  constructor(direction: 'input' | 'output' | 'progress', options?: ErrorOptions) {
    super(
      'ERR_DATA_CLONE',
      `${direction === 'progress' ? 'A progress value' : `Task ${direction}`} cannot be sent between threads (structured clone failed${
        options?.cause instanceof Error ? `: ${options.cause.message}` : ''
      })`,
      options,
    );
    this.direction = direction;
  }
}

/** A queued task evicted by a drop overflow policy (`'drop-oldest'`, `'drop-lowest'`) to make room. */
export class TaskDroppedError extends WorkpoolError {
  constructor(message = 'Task was dropped from a full queue to make room', options?: ErrorOptions) {
    super('ERR_TASK_DROPPED', message, options);
  }
}

/**
 * An integration entry (`workpool/prometheus`, `workpool/server`, `workpool/cli`) was imported
 * but a library it is built on is not installed: the core depends on nothing, so each
 * integration's libraries are optional peers its users install.
 */
export class MissingPeerError extends WorkpoolError {
  /** The (first) npm package missing, e.g. `'prom-client'`. */
  readonly package: string;
  /** Every package of the entry that is missing (one install gets them all). */
  readonly packages: readonly string[];
  /** The workpool entry that needs it, e.g. `'workpool/prometheus'`. */
  readonly entry: string;
  /**
   * @param options.install what to `npm install` instead of the packages themselves (the
   *   CLI's libraries come with `workpool-cli`).
   */
  constructor(
    pkg: string | readonly string[],
    entry: string,
    options?: ErrorOptions & { readonly install?: string },
  ) {
    const packages = typeof pkg === 'string' ? [pkg] : [...pkg];
    const names = packages.map((p) => `"${p}"`).join(', ');
    const many = packages.length > 1;
    super(
      'ERR_MISSING_PEER',
      `${entry} needs the package${many ? 's' : ''} ${names}, which ${many ? 'are' : 'is'} not installed: run \`npm install ${options?.install ?? packages.join(' ')}\``,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.package = packages[0] ?? '';
    this.packages = packages;
    this.entry = entry;
  }
}

/**
 * A job inside a thread pool was moved in a way its state does not allow (the table of
 * moves is `src/executors/thread/job-state.ts`): a bug in workpool, never a caller's
 * mistake. Raised rather than let a task settle twice or be lost; please report it.
 */
export class JobMoveError extends WorkpoolError {
  /** The job's id (the scheduler's). */
  readonly job: number;
  /** The state it was in. */
  readonly from: string;
  /** The state it was asked to move to. */
  readonly to: string;
  constructor(job: number, from: string, to: string, options?: ErrorOptions) {
    super('ERR_JOB_MOVE', `Job ${job} in a thread cannot move from ${from} to ${to}`, options);
    this.job = job;
    this.from = from;
    this.to = to;
  }
}
