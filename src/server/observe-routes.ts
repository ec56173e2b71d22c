import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ThreadPool } from '../index.js';
import type { Tracker } from './tracker.js';

export interface ObserveContext {
  readonly pool: ThreadPool;
  readonly tracker: Tracker;
  readonly registry: Registry;
}

/** `/healthz`, `/stats` and `/metrics` of a local pool (the page is page-routes.ts). */
export function registerObserveRoutes(app: FastifyInstance, ctx: ObserveContext): void {
  const { pool, tracker, registry } = ctx;

  app.get('/healthz', async (_request, reply) => {
    const s = pool.stats();
    if (s.healthy) return reply.send({ healthy: true });
    return reply.code(503).send({ healthy: false, error: s.error ?? 'unhealthy' });
  });

  app.get('/stats', async (_request, reply) => {
    return reply.send({
      pool: pool.stats(),
      server: {
        ...tracker.totals(),
        queued: tracker.queued,
        running: tracker.running,
        intervalMs: tracker.intervalMs ?? null,
      },
      tasks: Object.fromEntries(tracker.tasks()),
    });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}
