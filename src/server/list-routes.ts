import type { FastifyInstance } from 'fastify';
import { ActionError, taskId } from './actions.js';
import { Compressible } from './compress.js';
import {
  type FailureFilter,
  type FailureOutcome,
  type Failures,
  failureOutcomes,
  preview,
} from './failures.js';
import type { Lifecycle } from './lifecycle.js';
import type { Sampler } from './sampler.js';

const filterKeys: ReadonlySet<string> = new Set(['name', 'key', 'outcome', 'limit']);

/**
 * `GET /api/failures` (newest first; `?name=&key=&outcome=&limit=`), `GET /api/failures/:id`
 * (one, with its stack) and `GET /api/history` (the fine and coarse series): what the page
 * loads on open, so a reload shows what the server kept.
 */
export function registerListRoutes(
  app: FastifyInstance,
  ctx: {
    readonly failures: Failures;
    readonly sampler: Sampler;
    readonly lifecycle: Lifecycle;
    readonly now: () => number;
  },
): void {
  // Tasks in flight, oldest first: the ones an operator may cancel.
  app.get('/api/tasks', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const limit = parseLimit(query, inFlightLimit);
    const now = ctx.now();
    const tasks = [];
    for (const e of ctx.lifecycle.entries()) {
      if (tasks.length >= limit) break;
      const since = e.startedAt ?? e.acceptedAt;
      tasks.push({
        id: e.id,
        name: e.name ?? null,
        key: e.submitted?.key ?? null,
        state: e.state,
        attempt: e.attempt,
        ageMs: since === undefined ? null : Math.round(now - since),
        input: e.submitted === undefined ? null : preview(e.submitted.input),
        cancellable: e.submitted !== undefined,
      });
    }
    return reply.send({ inFlight: ctx.lifecycle.size, tasks });
  });
  app.get('/api/failures', async (request, reply) => {
    const filter = parseFilter(request.query as Record<string, unknown>, ctx.failures.capacity);
    return reply.send({
      capacity: ctx.failures.capacity,
      failures: ctx.failures.list(filter),
    });
  });
  app.get<{ Params: { id: string } }>('/api/failures/:id', async (request, reply) => {
    const id = taskId(request.params.id, 'ERR_BAD_QUERY');
    const failure = ctx.failures.get(id);
    if (failure === undefined) {
      throw new ActionError(404, 'ERR_TASK_NOT_FOUND', `Task ${id} is not in the task list`);
    }
    return reply.send({ failure });
  });
  registerHistoryRoute(app, ctx.sampler);
}

/** `GET /api/history`: the fine and coarse series the sampler keeps. */
export function registerHistoryRoute(app: FastifyInstance, sampler: Sampler): void {
  // A full history is about a megabyte of JSON that compresses ~100x: sent gzipped to
  // clients that take it, made once per sample however many pages load it.
  let cached: { last: unknown; body: Compressible } | undefined;
  app.get('/api/history', async (request, reply) => {
    const series = sampler.series();
    const last = series.fine.at(-1);
    if (cached === undefined || cached.last !== last) {
      cached = { last, body: new Compressible(JSON.stringify(series)) };
    }
    reply.type('application/json; charset=utf-8');
    return cached.body.send(request, reply);
  });
}

/** Most in-flight tasks `GET /api/tasks` lists. */
const inFlightLimit = 500;

/** Pure: `?limit=` (1 to `max`, default 100), or a 400 naming what was wrong. */
export function parseLimit(query: Record<string, unknown>, max: number): number {
  for (const key of Object.keys(query)) {
    if (key !== 'limit') {
      throw new ActionError(400, 'ERR_BAD_QUERY', `Unknown parameter \`${key}\`; expected: limit`);
    }
  }
  const v = query.limit;
  if (v === undefined) return 100;
  const n = typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : Number.NaN;
  if (!(n >= 1 && n <= max)) {
    throw new ActionError(
      400,
      'ERR_BAD_QUERY',
      `Expected \`limit\` to be an integer from 1 to ${max}, got ${JSON.stringify(v)}`,
    );
  }
  return n;
}

/** Pure: the task list's filter from a query string, or a 400 naming what was wrong. */
export function parseFilter(query: Record<string, unknown>, capacity: number): FailureFilter {
  for (const key of Object.keys(query)) {
    if (!filterKeys.has(key)) {
      throw new ActionError(
        400,
        'ERR_BAD_QUERY',
        `Unknown filter \`${key}\`; expected one of: ${[...filterKeys].join(', ')}`,
      );
    }
  }
  const text = (name: string): string | undefined => {
    const v = query[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') {
      throw new ActionError(
        400,
        'ERR_BAD_QUERY',
        `Expected \`${name}\` once, got it ${Array.isArray(v) ? v.length : 'more than once'} times`,
      );
    }
    return v;
  };
  const outcome = text('outcome');
  if (outcome !== undefined && !failureOutcomes.includes(outcome as FailureOutcome)) {
    throw new ActionError(
      400,
      'ERR_BAD_QUERY',
      `Expected \`outcome\` to be one of ${failureOutcomes.join(', ')}, got ${JSON.stringify(outcome)}`,
    );
  }
  const limitText = text('limit');
  let limit: number | undefined;
  if (limitText !== undefined) {
    limit = /^\d{1,6}$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(limit >= 1 && limit <= capacity)) {
      throw new ActionError(
        400,
        'ERR_BAD_QUERY',
        `Expected \`limit\` to be an integer from 1 to ${capacity}, got ${JSON.stringify(limitText)}`,
      );
    }
  }
  const name = text('name');
  const key = text('key');
  return {
    ...(name === undefined ? {} : { name }),
    ...(key === undefined ? {} : { key }),
    ...(outcome === undefined ? {} : { outcome: outcome as FailureOutcome }),
    ...(limit === undefined ? {} : { limit }),
  };
}
