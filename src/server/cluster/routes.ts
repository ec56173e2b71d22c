/**
 * The cluster server's JSON routes, the local server's names and shapes where they mean
 * the same (so the one dashboard page drives both):
 * - `GET /healthz` (200, or 503 with why), `GET /stats` (`ClusterSnapshot`; 503 in the
 *   server's error shape while Redis is unavailable);
 * - `GET /api/tasks` (jobs in flight: running, then waiting, newest first),
 *   `GET /api/failures` (recent failed jobs, `?name=&key=&outcome=&limit=`),
 *   `GET /api/failures/:id` (one, with its stack);
 * - actions (`POST`, JSON body, behind the token, 403 when read-only): `pause`, `resume`
 *   (every lane), `tasks/:id/cancel` (a waiting job is removed, a running one aborted on
 *   its host), `failures/:id/retry` (a failed job runs again, same id). Unknown id: 404
 *   `ERR_JOB_NOT_FOUND`; a job in the wrong state: 409 `ERR_JOB_STATE`; Redis
 *   unavailable: 503 `ERR_REDIS_UNAVAILABLE`.
 */
import type { FastifyInstance } from 'fastify';
import {
  type ClusterAdmin,
  JobNotFoundError,
  JobStateError,
  type JobSummary,
  RedisUnavailableError,
} from '../../distributed/index.js';
import { ActionError, actionBody } from '../actions.js';
import { preview } from '../failures.js';
import { parseFilter, parseLimit } from '../list-routes.js';
import type { ClusterSource } from './source.js';

export interface ClusterRoutesContext {
  readonly admin: ClusterAdmin;
  readonly source: ClusterSource;
  readonly readOnly: boolean;
  /** Failed jobs the task list shows at most. */
  readonly failures: number;
}

export function registerClusterRoutes(app: FastifyInstance, ctx: ClusterRoutesContext): void {
  const { admin, source } = ctx;

  app.get('/healthz', async (_request, reply) => {
    const r = source.read();
    if (r.healthy) return reply.send({ healthy: true });
    return reply.code(503).send({ healthy: false, error: r.error ?? 'unhealthy' });
  });

  app.get('/stats', async (_request, reply) => {
    const error = source.error;
    if (error !== undefined) throw answer(error);
    const snapshot = source.snapshot();
    if (snapshot === undefined) throw unavailable(admin.address, 'not read yet');
    return reply.send(snapshot);
  });

  app.get('/api/tasks', async (request, reply) => {
    const limit = parseLimit(request.query as Record<string, unknown>, 500);
    const jobs = await call(() =>
      admin.jobs(['active', 'waiting', 'prioritized', 'delayed'], limit),
    );
    const now = Date.now();
    return reply.send({
      inFlight: jobs.length,
      tasks: jobs.map((j) => ({
        id: j.id,
        name: j.name,
        key: j.key,
        state: j.state === 'active' ? 'running' : j.state,
        attempt: j.attempts + (j.state === 'active' ? 1 : 0),
        ageMs: now - (j.processedOn ?? j.timestamp),
        input: preview(j.input),
        cancellable: true,
      })),
    });
  });

  app.get('/api/failures', async (request, reply) => {
    const filter = parseFilter(request.query as Record<string, unknown>, ctx.failures);
    // Filtered here: BullMQ lists by state only. Read enough to fill the page after filtering.
    const jobs = await call(() => admin.jobs(['failed'], ctx.failures));
    const failures = jobs
      .filter(
        (j) =>
          (filter.name === undefined || j.name === filter.name) &&
          (filter.key === undefined || j.key === filter.key) &&
          (filter.outcome === undefined || j.outcome === filter.outcome),
      )
      .slice(0, filter.limit ?? ctx.failures)
      .map((j) => failure(j));
    return reply.send({ capacity: ctx.failures, failures });
  });

  app.get<{ Params: { id: string } }>('/api/failures/:id', async (request, reply) => {
    const id = jobId(request.params.id, 'ERR_BAD_QUERY');
    const job = await call(() => admin.job(id));
    return reply.send({ failure: { ...failure(job), stack: job.error?.stack ?? null } });
  });

  const action = (
    path: string,
    run: (params: Record<string, string>) => Promise<Record<string, unknown>>,
    status = 200,
  ): void => {
    app.post<{ Params: Record<string, string> }>(`/api/${path}`, async (request, reply) => {
      if (ctx.readOnly) {
        throw new ActionError(
          403,
          'ERR_READ_ONLY',
          'This dashboard is read-only (start it with a token to act)',
        );
      }
      actionBody(request, []);
      const extra = await run(request.params);
      // The figures after the action: read now, not at the next sample.
      await source.refreshAfter();
      const r = source.read();
      return reply.code(status).send({
        ok: true,
        action: path.split('/').pop(),
        ...extra,
        paused: r.paused,
        draining: false,
        threads: r.threads,
        maxThreads: r.maxThreads,
        waiting: r.all.waiting,
        running: r.all.running,
      });
    });
  };
  action('pause', async () => ({ lanes: await call(() => admin.pause()) }));
  action('resume', async () => ({ lanes: await call(() => admin.resume()) }));
  action('tasks/:id/cancel', async (params) => {
    const id = jobId(params.id ?? '');
    const r = await call(() => admin.cancel(id));
    return { id, was: r.was === 'active' ? 'running' : r.was, done: r.done };
  });
  action(
    'failures/:id/retry',
    async (params) => {
      const id = jobId(params.id ?? '');
      const r = await call(() => admin.retry(id));
      return { id, retry: id, done: r.done };
    },
    202,
  );
}

/** Runs an admin call, answering its errors in the server's shape. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw answer(error);
  }
}

function answer(error: unknown): unknown {
  if (error instanceof JobNotFoundError) return new ActionError(404, error.code, error.message);
  if (error instanceof JobStateError) return new ActionError(409, error.code, error.message);
  if (error instanceof RedisUnavailableError)
    return new ActionError(503, error.code, error.message, { cause: error });
  return error;
}

function unavailable(address: string, why: string): ActionError {
  return new ActionError(
    503,
    'ERR_REDIS_UNAVAILABLE',
    `Redis at ${address} is not available (${why})`,
  );
}

/** A job id from a path parameter: printable ASCII without spaces or `:` (BullMQ's separator). */
function jobId(text: string, code = 'ERR_BAD_ACTION'): string {
  if (!/^[!-9;-~]{1,200}$/.test(text)) {
    throw new ActionError(400, code, `Expected a job id, got ${JSON.stringify(text)}`);
  }
  return text;
}

/** A failed job in the task list's shape. */
function failure(j: JobSummary) {
  const e = j.error;
  const code = (e as { code?: unknown } | null)?.code;
  return {
    id: j.id,
    name: j.name,
    key: j.key,
    outcome: j.outcome ?? 'failed',
    at: j.finishedOn ?? j.timestamp,
    error: {
      name: e?.name ?? 'Error',
      message: e?.message ?? '',
      ...(typeof code === 'string' ? { code } : {}),
    },
    attempts: j.attempts,
    durationMs:
      j.finishedOn !== null && j.processedOn !== null ? j.finishedOn - j.processedOn : null,
    input: preview(j.input),
    retryable: j.state === 'failed',
    hasStack: typeof e?.stack === 'string',
  };
}
