import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checks, type ThreadPool } from '../index.js';
import type { Failures } from './failures.js';
import type { Lifecycle } from './lifecycle.js';

/** Largest thread count the resize action takes. */
export const maxThreads = 1024;

/** What the operator changed, shared with the task route and the sampler. */
export class Control {
  /** Refusing new tasks (503) while the work in flight ends; `resume` ends it. */
  draining = false;
  /** Tasks that can run at once (threads × tasks per thread): admission predicts from it. */
  capacity: number;
  readonly perThread: number;

  constructor(capacity: number, perThread: number) {
    this.capacity = capacity;
    this.perThread = perThread;
  }
}

/** An action the server refuses; answered with `statusCode` in the server's error shape. */
export class ActionError extends Error {
  readonly code: string;
  readonly statusCode: number;
  constructor(statusCode: number, code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.statusCode = statusCode;
    this.code = code;
  }
  override get name(): string {
    return 'ActionError';
  }
}

export interface ActionsContext {
  readonly pool: ThreadPool;
  readonly lifecycle: Lifecycle;
  readonly failures: Failures;
  readonly control: Control;
  readonly readOnly: boolean;
}

/**
 * The operator's actions, `POST /api/...`, each answered `{ ok: true, action, ... }` with
 * the pool's state after it, or an error in the server's one shape:
 * - `pause`, `resume` (also ends a drain), `drain` (refuse new tasks, 503, until resumed;
 *   what was accepted runs), `resize` `{ threads }`;
 * - `tasks/:id/cancel`: a task this server submitted, waiting or running (404 when not in
 *   flight, 409 when someone else submitted it);
 * - `failures/:id/retry`: runs a failed task of the list again, as a new task (409 when its
 *   input is not known here or it was retried already).
 * Each takes a JSON object body (`{}` at least): a page on another site cannot send
 * `application/json` without a CORS preflight, which this server never grants. With
 * `readOnly` every action is 403 `ERR_READ_ONLY`.
 */
export function registerActions(app: FastifyInstance, ctx: ActionsContext): void {
  const { pool, control } = ctx;
  const state = () => {
    const s = pool.stats();
    return {
      paused: s.paused,
      draining: control.draining,
      threads: s.workers,
      maxThreads: s.concurrency.max,
      waiting: s.queued,
      running: s.running,
    };
  };
  const action = (
    path: string,
    keys: readonly string[],
    run: (
      body: Record<string, unknown>,
      params: Record<string, string>,
    ) => Record<string, unknown> | undefined,
    status = 200,
  ): void => {
    app.post<{ Params: Record<string, string> }>(`/api/${path}`, async (request, reply) => {
      if (ctx.readOnly) {
        throw new ActionError(403, 'ERR_READ_ONLY', 'This dashboard is read-only (--read-only)');
      }
      const body = actionBody(request, keys);
      const extra = run(body, request.params);
      return reply
        .code(status)
        .send({ ok: true, action: path.split('/').pop(), ...extra, ...state() });
    });
  };

  action('pause', [], () => {
    pool.pause();
    return undefined;
  });
  action('resume', [], () => {
    control.draining = false;
    pool.resume();
    return undefined;
  });
  action('drain', [], () => {
    control.draining = true;
    return undefined;
  });
  action('resize', ['threads'], (body) => {
    const threads = checked(() => checks.integer('threads', body.threads, 1));
    if (threads > maxThreads) {
      throw new ActionError(
        400,
        'ERR_BAD_ACTION',
        `Expected \`threads\` to be an integer from 1 to ${maxThreads}, got \`${threads}\``,
      );
    }
    pool.resize(threads);
    control.capacity = threads * control.perThread;
    return undefined;
  });
  action('tasks/:id/cancel', [], (_body, params) => {
    const id = taskId(params.id ?? '');
    const entry = ctx.lifecycle.get(id);
    if (entry === undefined) {
      throw new ActionError(404, 'ERR_TASK_NOT_FOUND', `Task ${id} is not in flight`);
    }
    if (entry.submitted === undefined) {
      throw new ActionError(
        409,
        'ERR_NOT_CANCELLABLE',
        `Task ${id} was not submitted through this server; only its submitter can cancel it`,
      );
    }
    const was = entry.state;
    entry.submitted.task.cancel('cancelled from the dashboard');
    return { id, was };
  });
  action(
    'failures/:id/retry',
    [],
    (_body, params) => {
      const id = taskId(params.id ?? '');
      const failure = ctx.failures.get(id);
      if (failure === undefined) {
        throw new ActionError(404, 'ERR_TASK_NOT_FOUND', `Task ${id} is not in the task list`);
      }
      if (failure.retriedAs !== undefined) {
        throw new ActionError(
          409,
          'ERR_NOT_RETRYABLE',
          `Task ${id} was retried already, as task ${failure.retriedAs}`,
        );
      }
      const input = ctx.failures.input(id);
      if (!failure.retryable || input === undefined || failure.name === null) {
        throw new ActionError(
          409,
          'ERR_NOT_RETRYABLE',
          `Task ${id} cannot be retried here: its input is not known to this server (submitted elsewhere, or larger than the kept limit)`,
        );
      }
      const name = failure.name;
      const key = failure.key ?? undefined;
      const parsed: unknown = JSON.parse(input);
      let task: ReturnType<ThreadPool['trySubmit']>;
      try {
        task = pool.trySubmit(name as never, parsed as never, key === undefined ? {} : { key });
      } catch (error) {
        throw new ActionError(
          409,
          'ERR_POOL_CLOSED',
          `Task ${id} cannot be retried: ${(error as Error).message}`,
          { cause: error },
        );
      }
      if (task === undefined) {
        throw new ActionError(
          409,
          'ERR_QUEUE_FULL',
          `Task ${id} cannot be retried now: the queue is full`,
        );
      }
      // Nobody awaits a retry's result: its outcome shows in the figures and the list.
      task.result.then(undefined, () => {});
      ctx.lifecycle.submitted({ name, key, input: parsed, task, retryOf: id });
      ctx.failures.retried(id, task.id);
      return { id, retry: task.id };
    },
    202,
  );
}

/** The body of an action: a JSON object with only `keys`. */
export function actionBody(
  request: FastifyRequest,
  keys: readonly string[],
): Record<string, unknown> {
  const type = request.headers['content-type'];
  if (typeof type !== 'string' || !/^application\/json\s*(;|$)/i.test(type)) {
    throw new ActionError(
      415,
      'ERR_BAD_ACTION',
      'Actions take a JSON body (`content-type: application/json`, `{}` at least)',
    );
  }
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ActionError(400, 'ERR_BAD_ACTION', 'Expected the body to be a JSON object');
  }
  checked(() => checks.knownKeys('body', body as Record<string, unknown>, new Set(keys)));
  return body as Record<string, unknown>;
}

/** Runs a check of `checks`, answering its TypeError or RangeError as a 400. */
function checked<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      throw new ActionError(400, 'ERR_BAD_ACTION', error.message, { cause: error });
    }
    throw error;
  }
}

/** A task id from a path parameter, or a 400 saying what was there instead. */
export function taskId(text: string, code = 'ERR_BAD_ACTION'): number {
  if (!/^\d{1,15}$/.test(text)) {
    throw new ActionError(
      400,
      code,
      `Expected a task id (a positive integer), got ${JSON.stringify(text)}`,
    );
  }
  return Number(text);
}
