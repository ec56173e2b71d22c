/**
 * `workpool/server`: a task module over HTTP, with a live dashboard.
 *
 * ```ts
 * import { serve } from 'workpool/server';
 * const server = await serve({ module: './tasks.js', port: 3000, threads: 4 });
 * // POST /tasks/resize, GET / (dashboard), /metrics, /healthz, /stats, /events
 * await server.close();
 * ```
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ThreadPool } from '../index.js';
import { importPeer } from '../peer.js';
import { ShuttingDownError } from './errors.js';
import { HandlerNames } from './handlers.js';
import { registerObserveRoutes } from './observe-routes.js';
import {
  type NormalizedServeOptions,
  normalizeServeOptions,
  type ServeOptions,
} from './options.js';
import { Sampler } from './sampler.js';
import { registerTasksRoute } from './tasks-route.js';
import { Tracker } from './tracker.js';

const { default: Fastify } = await importPeer(
  () => import('fastify'),
  'fastify',
  'workpool/server',
);
const { Registry } = await importPeer(
  () => import('prom-client'),
  'prom-client',
  'workpool/server',
);
// After the check above, so a missing prom-client is reported as the server's.
const { registerPoolMetrics } = await import('../prometheus.js');
const { registerRequestMetrics } = await import('./request-metrics.js');

export type { ServeOptions } from './options.js';
export { serveDefaults } from './options.js';
export type { Snapshot, TaskSample } from './sampler.js';

/** A running server. */
export interface WorkpoolServer extends AsyncDisposable {
  /** e.g. `http://127.0.0.1:3000` */
  readonly url: string;
  readonly port: number;
  /** The pool behind it (the server's own, or the one given). */
  readonly pool: ThreadPool;
  /**
   * Stops accepting connections, ends dashboard streams, lets in-flight requests finish
   * for up to `drainTimeout` ms, then cancels the rest (503); closes the pool if the
   * server made it. Resolves once everything is closed. Idempotent.
   */
  close(): Promise<void>;
}

/** Starts a server; resolves once it listens. */
export async function serve(options: ServeOptions): Promise<WorkpoolServer> {
  const o = normalizeServeOptions(options);
  const owned = o.pool === undefined;
  const pool =
    o.pool ??
    new ThreadPool({
      ...o.poolOptions,
      module: o.module ?? '',
      minThreads: o.threads,
      maxThreads: o.threads,
      maxQueue: o.maxQueue,
    });
  const capacity = owned
    ? o.threads * (o.poolOptions?.concurrentTasksPerThread ?? 1)
    : pool.stats().concurrency.max;
  const tracker = new Tracker(pool, () => o.clock.now());
  const sampler = new Sampler(pool, tracker, o.sampleInterval, o.history);
  const registry = new Registry();
  const unregisterPool = registerPoolMetrics(pool, { registry });
  const unregisterRequests = registerRequestMetrics(registry, tracker);
  const unregister = (): void => {
    unregisterPool();
    unregisterRequests();
  };
  const inflight = new Set<AbortController>();
  const streams = new Set<() => void>();

  const app = Fastify({ bodyLimit: o.bodyLimit, logger: false, return503OnClosing: true });
  let draining = false;
  // While draining, answers close their connection: an idle keep-alive connection would
  // otherwise hold `server.close()` open until the client drops it.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (draining) reply.header('connection', 'close');
    return payload;
  });
  if (o.token !== undefined) requireToken(app, o.token);
  registerTasksRoute(app, {
    pool,
    tracker,
    handlers: new HandlerNames(),
    options: o,
    capacity,
    inflight,
  });
  registerObserveRoutes(app, { pool, tracker, sampler, registry, streams });

  try {
    await app.listen({ port: o.port, host: o.host });
  } catch (error) {
    tracker.dispose();
    unregister();
    if (owned) await pool.terminate();
    throw error;
  }
  sampler.start();
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    draining = true;
    closing ??= shutdown(o, { app, pool, owned, sampler, streams, inflight }).finally(() => {
      tracker.dispose();
      unregister();
    });
    return closing;
  };
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    pool,
    close,
    [Symbol.asyncDispose]: close,
  };
}

interface Parts {
  readonly app: FastifyInstance;
  readonly pool: ThreadPool;
  readonly owned: boolean;
  readonly sampler: Sampler;
  readonly streams: Set<() => void>;
  readonly inflight: Set<AbortController>;
}

/** Stops accepting, drains within the deadline, closes what it owns. The pool's own close()
 * holds the process alive while it runs, so a process with nothing else to do waits for it. */
async function shutdown(o: NormalizedServeOptions, p: Parts): Promise<void> {
  p.sampler.stop();
  for (const end of [...p.streams]) end();
  // Past the drain deadline, cancel what still runs: those requests answer 503.
  const timer = o.clock.setTimeout(() => {
    const reason = new ShuttingDownError(
      `Server shut down; drain deadline of ${o.drainTimeout} ms passed`,
    );
    for (const c of [...p.inflight]) c.abort(reason);
  }, o.drainTimeout);
  try {
    await p.app.close();
  } finally {
    o.clock.clearTimeout(timer);
  }
  if (p.owned) await p.pool.close();
}

/** Bearer auth on every route but `/healthz`; GET also accepts `?access_token=` (for the dashboard). */
function requireToken(app: FastifyInstance, token: string): void {
  const expected = digest(token);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url === '/healthz') return;
    const header = request.headers.authorization;
    let given = header?.startsWith('Bearer ') === true ? header.slice(7).trim() : undefined;
    if (given === undefined && request.method === 'GET') {
      const q = (request.query as Record<string, unknown> | undefined)?.access_token;
      if (typeof q === 'string') given = q;
    }
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="workpool"')
      .send({ error: { name: 'UnauthorizedError', message: 'A valid bearer token is required' } });
  });
}

/** Fixed-length digests, so the comparison takes the same time whatever the token's length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
