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
import type { FastifyInstance } from 'fastify';
import { TaskModuleError, ThreadPool } from '../index.js';
import { importPeer } from '../peer.js';
import { Control, registerActions } from './actions.js';
import { createApp, urlOf } from './app.js';
import type { ClusterServer } from './cluster/serve.js';
import { ShuttingDownError } from './errors.js';
import { Failures } from './failures.js';
import { HandlerNames } from './handlers.js';
import { History } from './history.js';
import { Keys } from './keys.js';
import { Lifecycle } from './lifecycle.js';
import { registerListRoutes } from './list-routes.js';
import { registerObserveRoutes } from './observe-routes.js';
import {
  type ClusterServeOptions,
  type NormalizedServeOptions,
  normalizeServeOptions,
  type ServeOptions,
} from './options.js';
import { registerPageRoutes } from './page-routes.js';
import { Sampler } from './sampler.js';
import { LocalSource } from './source.js';
import { registerTasksRoute } from './tasks-route.js';
import { Tracker } from './tracker.js';

const { Registry } = await importPeer(
  () => import('prom-client'),
  'prom-client',
  'workpool/server',
);
// After the check above, so a missing prom-client is reported as the server's.
const { registerPoolMetrics } = await import('../prometheus.js');
const { registerRequestMetrics } = await import('./request-metrics.js');

export { ActionError } from './actions.js';
export type { ClusterServer } from './cluster/serve.js';
export type { ClusterSnapshot } from './cluster/source.js';
export type { Failure, FailureOutcome } from './failures.js';
export type { ClusterServeOptions, ServeOptions } from './options.js';
export { serveDefaults } from './options.js';
export type { HostRow, Mode, PartPoint, Point, Series, Update } from './sampler.js';
export type { DashboardSource, PartReading, Reading } from './source.js';

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

/**
 * Starts a server; resolves once it listens. A server that makes its own pool first waits
 * for a thread to load the task module: if the module cannot load, `serve()` rejects with
 * a `TaskModuleError` saying why, and nothing listens.
 *
 * With `cluster`, the dashboard of a distributed queue (`ClusterServer`: no pool, no task
 * route); it first connects to Redis, rejecting `RedisUnavailableError` past `readyTimeout`.
 */
export function serve(
  options: ServeOptions & { readonly cluster: ClusterServeOptions },
): Promise<ClusterServer>;
export function serve(
  options: ServeOptions & { readonly cluster?: undefined },
): Promise<WorkpoolServer>;
export function serve(options: ServeOptions): Promise<WorkpoolServer | ClusterServer>;
export async function serve(options: ServeOptions): Promise<WorkpoolServer | ClusterServer> {
  const o = normalizeServeOptions(options);
  if (o.cluster !== undefined) {
    // Loaded only here: bullmq and ioredis stay out of a server of a local pool.
    const { serveCluster } = await import('./cluster/serve.js');
    return serveCluster(o);
  }
  return serveLocal(o);
}

async function serveLocal(o: NormalizedServeOptions): Promise<WorkpoolServer> {
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
  if (owned) await loaded(pool);
  // A given pool does not say how many tasks each of its threads runs: one is assumed.
  const perThread = owned ? (o.poolOptions?.concurrentTasksPerThread ?? 1) : 1;
  const control = new Control(
    owned ? o.threads * perThread : pool.stats().concurrency.max,
    perThread,
  );
  const now = (): number => o.clock.now();
  // Wall-clock ms at clock time 0: points carry epoch times, measured on the server's clock.
  const epoch = Date.now() - now();
  const tracker = new Tracker(pool, now);
  const lifecycle = new Lifecycle(pool, now);
  const failures = new Failures(o.failures, () => epoch);
  const keys = new Keys();
  lifecycle.onEnded((e) => {
    failures.record(e);
    keys.record(e);
  });
  const sampler = new Sampler(
    new LocalSource(pool, lifecycle, keys, now),
    () => {
      const t = tracker.totals();
      return {
        answered: t.completed + t.failed + t.timedOut + t.cancelled,
        refused: t.rejected,
        draining: control.draining,
        listed: failures.recorded,
      };
    },
    new History(o.history, o.coarseEvery, o.coarseHistory, epoch),
    o.clock,
    o.sampleInterval,
  );
  const registry = new Registry();
  const unregisterPool = registerPoolMetrics(pool, { registry });
  const unregisterRequests = registerRequestMetrics(registry, tracker);
  const unregister = (): void => {
    unregisterPool();
    unregisterRequests();
  };
  const inflight = new Set<AbortController>();
  const streams = new Set<() => void>();

  const { app, drain } = createApp(o);
  registerTasksRoute(app, {
    pool,
    tracker,
    handlers: new HandlerNames(pool),
    options: o,
    control,
    lifecycle,
    inflight,
  });
  registerObserveRoutes(app, { pool, tracker, registry });
  registerPageRoutes(app, {
    sampler,
    streams,
    readOnly: o.readOnly,
    token: o.token !== undefined,
    cluster: false,
  });
  registerListRoutes(app, { failures, sampler, lifecycle, now });
  registerActions(app, { pool, lifecycle, failures, control, readOnly: o.readOnly });

  try {
    await app.listen({ port: o.port, host: o.host });
  } catch (error) {
    tracker.dispose();
    lifecycle.dispose();
    unregister();
    if (owned) await pool.terminate();
    throw error;
  }
  sampler.start();
  const { url, port } = urlOf(app);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    drain();
    closing ??= shutdown(o, { app, pool, owned, sampler, streams, inflight }).finally(() => {
      tracker.dispose();
      lifecycle.dispose();
      unregister();
    });
    return closing;
  };
  return {
    url,
    port,
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

/**
 * Resolves once a thread of `pool` has loaded its task module; rejects with a
 * `TaskModuleError` (the load error as its cause) once the pool gives up loading it, and
 * stops the pool then.
 */
async function loaded(pool: ThreadPool): Promise<void> {
  try {
    await pool.ready();
  } catch (error) {
    void pool.terminate();
    const cause = error instanceof Error ? error : undefined;
    throw moduleError(cause?.message ?? String(error), cause);
  }
}

function moduleError(message: string | undefined, cause?: Error): TaskModuleError {
  const error = new TaskModuleError(
    `The task module cannot load: ${message ?? 'unknown error'}`,
    cause === undefined ? undefined : { cause },
  );
  return error;
}
