import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  PoolClosedError,
  QueueFullError,
  TaskCancelledError,
  TaskModuleError,
  TaskTimeoutError,
  UnknownHandlerError,
} from '../index.js';
import { ActionError } from './actions.js';
import type { RequestOutcome } from './tracker.js';

/** The request's deadline (queue + run) passed; answered 504, `code` ERR_TASK_TIMEOUT. */
export class RequestDeadlineError extends TaskTimeoutError {
  constructor(deadline: number) {
    super(deadline, 'run');
    this.message = `The request deadline of ${deadline} ms (queue + run) passed`;
  }
}

/** The client closed its connection before the answer: its task is cancelled (499). */
export class ClientGoneError extends Error {
  readonly code = 'ERR_CLIENT_GONE';
  override get name(): string {
    return 'ClientGoneError';
  }
}

/** The server is shutting down and its drain deadline passed: in-flight tasks are cancelled. */
export class ShuttingDownError extends Error {
  readonly code = 'ERR_SHUTTING_DOWN';
  override get name(): string {
    return 'ShuttingDownError';
  }
}

/** The JSON body of every error answer: `code` always, the error's own or its class of failure. */
export interface ErrorBody {
  readonly error: {
    readonly name: string;
    readonly message: string;
    readonly code: string;
    readonly stack?: string;
  };
}

export interface Answer {
  readonly status: number;
  readonly outcome: RequestOutcome;
  readonly body: ErrorBody;
  /** Seconds, for `Retry-After`. */
  readonly retryAfter?: number;
}

/**
 * The answer's body for `error`: its `code` is the error's own string `code` if it has one
 * (a handler's `ENOENT`, a `WorkpoolError`'s), else `fallback`, the class of failure
 * (`ERR_TASK_FAILED`, `ERR_BAD_REQUEST`, ...).
 */
export function errorBody(error: unknown, fallback: string, stack = false): ErrorBody {
  if (!(error instanceof Error)) {
    return { error: { name: 'Error', message: String(error), code: fallback } };
  }
  const own = (error as { code?: unknown }).code;
  return {
    error: {
      name: error.name,
      message: error.message,
      code: typeof own === 'string' && own !== '' ? own : fallback,
      ...(stack && typeof error.stack === 'string' ? { stack: error.stack } : {}),
    },
  };
}

/**
 * How a task's failure is answered. `reason` is why the request's own signal aborted, if it
 * did: the pool reports that as a cancellation, the HTTP answer says what it really was.
 */
export function answerFor(error: unknown, reason: unknown, exposeStack: boolean): Answer {
  if (error instanceof TaskCancelledError && reason !== undefined) {
    if (reason instanceof TaskTimeoutError)
      return { status: 504, outcome: 'timedOut', body: errorBody(reason, 'ERR_TASK_TIMEOUT') };
    if (reason instanceof ClientGoneError)
      return { status: 499, outcome: 'cancelled', body: errorBody(reason, 'ERR_CLIENT_GONE') };
    return {
      status: 503,
      outcome: 'cancelled',
      body: errorBody(reason, 'ERR_TASK_CANCELLED'),
      retryAfter: 1,
    };
  }
  if (error instanceof TaskTimeoutError)
    return { status: 504, outcome: 'timedOut', body: errorBody(error, 'ERR_TASK_TIMEOUT') };
  if (error instanceof UnknownHandlerError)
    return { status: 404, outcome: 'rejected', body: errorBody(error, 'ERR_UNKNOWN_HANDLER') };
  if (error instanceof QueueFullError || error instanceof PoolClosedError) {
    const body = errorBody(error, 'ERR_OVERLOADED');
    return { status: 503, outcome: 'rejected', body, retryAfter: 1 };
  }
  if (error instanceof TaskModuleError) {
    const body = errorBody(error, 'ERR_TASK_MODULE');
    return { status: 503, outcome: 'failed', body, retryAfter: 5 };
  }
  if (error instanceof TaskCancelledError) {
    const body = errorBody(error, 'ERR_TASK_CANCELLED');
    return { status: 503, outcome: 'cancelled', body, retryAfter: 1 };
  }
  // The handler's own error: its code if it has one, else ERR_TASK_FAILED.
  return { status: 500, outcome: 'failed', body: errorBody(error, 'ERR_TASK_FAILED', exposeStack) };
}

/**
 * One error shape for every 4xx and 5xx, the server's own and Fastify's alike (a body
 * too large, a wrong content type, a route that does not exist): `{ error: { name,
 * message, code } }`, with the server's own names and codes for Fastify's (`ownError`). A 5xx that is not the server's own (`ActionError`) says no more than
 * its status.
 */
export function registerErrorShape(app: FastifyInstance): void {
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const own = ownError(error, request);
    if (own !== undefined) return reply.code(own.status).send(own.body);
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600
        ? error.statusCode
        : 500;
    // The server's own 5xx (Redis unavailable to a cluster server) say what happened.
    if (status >= 500 && !(error instanceof ActionError)) {
      return reply.code(status).send({
        error: {
          name: 'InternalServerError',
          code: 'ERR_INTERNAL',
          message: 'Internal server error',
        },
      });
    }
    return reply.code(status).send(errorBody(error, 'ERR_BAD_REQUEST'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        name: 'NotFoundError',
        code: 'ERR_NOT_FOUND',
        message: `No route ${request.method} ${request.url.split('?')[0]}`,
      },
    }),
  );
}

/**
 * Fastify's refusals of a body, said as the server's own: which content type came and that
 * `application/json` is required (415), and the limit a body passed (413). Other errors:
 * `undefined`.
 */
function ownError(
  error: Error & { code?: string },
  request: FastifyRequest,
): { status: number; body: ErrorBody } | undefined {
  const answer = (status: number, name: string, code: string, message: string) => ({
    status,
    body: { error: { name, message, code } },
  });
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const type = request.headers['content-type'];
      const got = type === undefined ? 'no content type' : `content type ${JSON.stringify(type)}`;
      return answer(
        415,
        'UnsupportedMediaTypeError',
        'ERR_UNSUPPORTED_MEDIA_TYPE',
        `The body has ${got}; it must be application/json`,
      );
    }
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return answer(
        413,
        'PayloadTooLargeError',
        'ERR_BODY_TOO_LARGE',
        `The body is larger than the limit of ${request.routeOptions.bodyLimit} bytes (bodyLimit)`,
      );
    default:
      return undefined;
  }
}

/**
 * Fastify's `clientErrorHandler`: the errors Node's HTTP parser raises before any route
 * runs, in the server's shape too. A request not in full within `requestTimeout` is 408
 * `ERR_REQUEST_TIMEOUT`, headers too large 431, any other malformed request 400; the
 * connection is closed after the answer (as Node's own handler does).
 */
export function clientErrorHandler(
  requestTimeout: number,
): (error: Error & { code?: string }, socket: Duplex) => void {
  return (error, socket) => {
    // A reset connection has no one to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, name, code, message] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [
            408,
            'RequestTimeoutError',
            'ERR_REQUEST_TIMEOUT',
            `The request (headers and body) did not arrive in full within ${requestTimeout} ms (requestTimeout)`,
          ]
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [
              431,
              'HeadersTooLargeError',
              'ERR_HEADERS_TOO_LARGE',
              'The request headers are too large',
            ]
          : [400, 'BadRequestError', 'ERR_BAD_REQUEST', 'The request is not valid HTTP'];
    // Not once an answer has begun on this connection (Node's own rule).
    const answering = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && answering?.headersSent !== true) {
      const body = JSON.stringify({ error: { name, message, code } });
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}
