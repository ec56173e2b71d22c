import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Task, ThreadPool } from '../index.js';
import type { Control } from './actions.js';
import { admission, parseDeadline, predictWait, retryAfterSeconds } from './admission.js';
import {
  type Answer,
  answerFor,
  ClientGoneError,
  errorBody,
  RequestDeadlineError,
} from './errors.js';
import type { HandlerNames } from './handlers.js';
import type { Lifecycle } from './lifecycle.js';
import type { NormalizedServeOptions } from './options.js';
import { TaskEvents, wantsEvents } from './task-events.js';
import type { Tracker } from './tracker.js';

export interface TasksRouteContext {
  readonly pool: ThreadPool;
  readonly tracker: Tracker;
  readonly handlers: HandlerNames;
  readonly options: NormalizedServeOptions;
  /** Tasks that can run at once, and whether the server drains. */
  readonly control: Control;
  /** Where submitted tasks are kept while in flight (to cancel, to retry once failed). */
  readonly lifecycle: Lifecycle;
  /** Signals of requests in flight, aborted when a drain runs out of time. */
  readonly inflight: Set<AbortController>;
}

/**
 * `POST /tasks/:name`: the JSON body is the handler's input, the answer its JSON result.
 * Admission is decided before anything is queued: a known-unknown name is 404, a request
 * whose predicted wait exceeds its deadline or that finds the queue full is 503 with
 * `Retry-After`. The request's deadline (`x-timeout-ms`, or the server's `timeout`) covers
 * queue and run time; past it the task is cancelled (its thread's signal aborts, then the
 * thread is killed after the pool's `killGrace`) and the answer is 504. A client that goes
 * away cancels its task the same way. With `Accept: text/event-stream` an accepted task is
 * answered as Server-Sent Events: its progress as it runs, then its result (task-events.ts).
 * `x-task-key` gives the task a fair-share `key` (a tenant). While the server drains,
 * every request is 503 `ERR_DRAINING`.
 */
export function registerTasksRoute(app: FastifyInstance, ctx: TasksRouteContext): void {
  const { pool, tracker, handlers, options: o } = ctx;

  app.post<{ Params: { name: string } }>('/tasks/:name', async (request, reply) => {
    const name = request.params.name;
    if (handlers.unknown(name))
      return reply.code(404).send(errorBody(handlers.error(name), 'ERR_UNKNOWN_HANDLER'));
    const deadline = parseDeadline(request.headers['x-timeout-ms'], o.timeout, o.maxTimeout);
    if (deadline instanceof Error)
      return reply.code(400).send(errorBody(deadline, 'ERR_BAD_REQUEST'));
    const key = parseKey(request.headers['x-task-key']);
    if (key instanceof Error) return reply.code(400).send(errorBody(key, 'ERR_BAD_REQUEST'));
    if (ctx.control.draining) {
      tracker.record(handlers.label(name), 'rejected');
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({
          error: {
            name: 'DrainingError',
            code: 'ERR_DRAINING',
            message: 'The server is draining: it takes no new tasks until resumed',
          },
        });
    }

    const load = {
      inSystem: tracker.inSystem,
      capacity: ctx.control.capacity,
      intervalMs: tracker.intervalMs,
    };
    const decision = admission(load, deadline);
    if (!decision.admit) {
      tracker.record(handlers.label(name), 'rejected');
      const message = `Predicted wait of ${Math.round(decision.predictedMs)} ms exceeds the deadline of ${deadline} ms`;
      return overloaded(reply, decision.retryAfter, message);
    }

    const start = o.clock.now();
    const controller = new AbortController();
    const timer = o.clock.setTimeout(
      () => controller.abort(new RequestDeadlineError(deadline)),
      deadline,
    );
    const onClose = (): void => {
      if (!reply.raw.writableEnded)
        controller.abort(new ClientGoneError('The client closed the connection'));
    };
    reply.raw.once('close', onClose);
    ctx.inflight.add(controller);
    const events = wantsEvents(request.headers.accept) ? new TaskEvents() : undefined;
    try {
      let task: Task<unknown> | undefined;
      try {
        task = pool.trySubmit(name, request.body, {
          signal: controller.signal,
          ...(key === undefined ? {} : { key }),
          ...(events === undefined
            ? {}
            : { onProgress: (value: unknown) => events.progress(value) }),
        });
      } catch (error) {
        return fail(reply, name, error, undefined, start);
      }
      if (task === undefined) {
        tracker.record(handlers.label(name), 'rejected');
        const retryAfter = retryAfterSeconds(predictWait(load));
        return overloaded(reply, retryAfter, `Queue is full (maxQueue: ${o.maxQueue})`);
      }
      tracker.accepted(task.id);
      events?.open(reply, task.id);
      ctx.lifecycle.submitted({ name, key, input: request.body, task });
      let value: unknown;
      try {
        value = await task.result;
      } catch (error) {
        return fail(reply, name, error, controller.signal.reason, start, events);
      }
      let json: string;
      try {
        json = JSON.stringify(value === undefined ? null : value);
      } catch (error) {
        return fail(reply, name, error, undefined, start, events);
      }
      tracker.record(handlers.label(name), 'completed', o.clock.now() - start);
      if (events !== undefined) {
        events.result(json);
        return reply;
      }
      return reply.code(200).type('application/json; charset=utf-8').send(json);
    } finally {
      o.clock.clearTimeout(timer);
      reply.raw.off('close', onClose);
      ctx.inflight.delete(controller);
    }
  });

  function fail(
    reply: FastifyReply,
    name: string,
    error: unknown,
    reason: unknown,
    start: number,
    events?: TaskEvents,
  ): FastifyReply {
    const answer: Answer = answerFor(error, reason, o.exposeStack);
    if (answer.status !== 404)
      tracker.record(handlers.label(name), answer.outcome, o.clock.now() - start);
    if (events?.opened === true) {
      events.error(answer.status, answer.body as object);
      return reply;
    }
    if (answer.retryAfter !== undefined) reply.header('retry-after', String(answer.retryAfter));
    return reply.code(answer.status).send(answer.body);
  }
}

function overloaded(reply: FastifyReply, retryAfter: number, message: string): FastifyReply {
  return reply
    .code(503)
    .header('retry-after', String(retryAfter))
    .send({ error: { name: 'OverloadedError', code: 'ERR_OVERLOADED', message } });
}

/** Longest `x-task-key`. */
const maxKeyLength = 128;

/** The task's fair-share key from `x-task-key` (1 to 128 printable characters), if given. */
export function parseKey(header: string | string[] | undefined): string | undefined | RangeError {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? undefined : header.trim();
  if (
    text === undefined ||
    text === '' ||
    text.length > maxKeyLength ||
    !/^[\x21-\x7e ]+$/.test(text)
  ) {
    return new RangeError(
      `Expected the x-task-key header to be 1 to ${maxKeyLength} printable ASCII characters, got ${JSON.stringify(header)}`,
    );
  }
  return text;
}
