/**
 * `serve({ cluster })`: the dashboard of a distributed queue. No task module and no task
 * route: the page, `/events`, `/api/history`, `/stats`, `/healthz`, the job lists and the
 * queue's actions (routes.ts). Loaded by `serve()` only when `cluster` is given, so
 * `workpool/server` alone never loads bullmq or ioredis.
 */
import { ClusterAdmin } from '../../distributed/index.js';
import { createApp, urlOf } from '../app.js';
import { History } from '../history.js';
import { registerHistoryRoute } from '../list-routes.js';
import type { NormalizedServeOptions } from '../options.js';
import { registerPageRoutes } from '../page-routes.js';
import { Sampler } from '../sampler.js';
import { registerClusterRoutes } from './routes.js';
import { ClusterSource } from './source.js';

/** A running cluster server. */
export interface ClusterServer extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  /** Ends dashboard streams, stops sampling, closes the server and the Redis connection. Idempotent. */
  close(): Promise<void>;
}

/** Rejects `RedisUnavailableError` when Redis does not answer within `readyTimeout`. */
export async function serveCluster(o: NormalizedServeOptions): Promise<ClusterServer> {
  const c = o.cluster;
  if (c === undefined) throw new TypeError('Expected `cluster`');
  const admin = await ClusterAdmin.open({
    connection: c.connection,
    queue: c.queue,
    ...(c.prefix === undefined ? {} : { prefix: c.prefix }),
    ...(c.readyTimeout === undefined ? {} : { readyTimeout: c.readyTimeout }),
    ...(c.timeout === undefined ? {} : { timeout: c.timeout }),
  });
  const now = (): number => o.clock.now();
  const epoch = Date.now() - now();
  const source = new ClusterSource(admin, now, () => epoch);
  await source.refresh();
  const sampler = new Sampler(
    source,
    () => ({ answered: 0, refused: 0, draining: false, listed: source.listed }),
    new History(o.history, o.coarseEvery, o.coarseHistory, epoch),
    o.clock,
    o.sampleInterval,
  );
  const streams = new Set<() => void>();
  const { app, drain } = createApp(o);
  registerPageRoutes(app, {
    sampler,
    streams,
    readOnly: o.readOnly,
    token: o.token !== undefined,
    cluster: true,
  });
  registerClusterRoutes(app, { admin, source, readOnly: o.readOnly, failures: o.failures });
  registerHistoryRoute(app, sampler);
  try {
    await app.listen({ port: o.port, host: o.host });
  } catch (error) {
    await admin.close(1000);
    throw error;
  }
  sampler.start();
  const { url, port } = urlOf(app);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    drain();
    closing ??= (async () => {
      sampler.stop();
      for (const end of [...streams]) end();
      try {
        await app.close();
      } finally {
        await admin.close(Math.min(2000, o.drainTimeout || 1));
      }
    })();
    return closing;
  };
  return { url, port, close, [Symbol.asyncDispose]: close };
}
