import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ThreadPool } from '../index.js';
import { resolvePeer } from '../peer.js';
import { dashboardHtml } from './dashboard/page.js';
import type { Sampler } from './sampler.js';
import type { Tracker } from './tracker.js';

export interface ObserveContext {
  readonly pool: ThreadPool;
  readonly tracker: Tracker;
  readonly sampler: Sampler;
  readonly registry: Registry;
  /** Open `/events` streams, ended when the server closes. */
  readonly streams: Set<() => void>;
}

/** A stream whose client reads slower than this many buffered bytes is dropped. */
const MAX_BUFFERED = 1 << 20;

/** `/healthz`, `/stats`, `/metrics`, the dashboard `/` with its assets, and `/events` (SSE). */
export function registerObserveRoutes(app: FastifyInstance, ctx: ObserveContext): void {
  const { pool, tracker, sampler, registry } = ctx;

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

  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(dashboardHtml),
  );

  const assets = uplotAssets();
  app.get('/assets/uplot.js', async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'max-age=86400')
      .send(await assets.js()),
  );
  app.get('/assets/uplot.css', async (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'max-age=86400')
      .send(await assets.css()),
  );

  app.get('/events', (request, reply) => {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: 2000\nevent: history\ndata: ${JSON.stringify(sampler.history())}\n\n`);
    const end = (): void => {
      unsubscribe();
      ctx.streams.delete(end);
      if (!raw.writableEnded) raw.end();
    };
    const unsubscribe = sampler.subscribe((snapshot) => {
      if (raw.writableLength > MAX_BUFFERED) {
        end();
        return;
      }
      raw.write(`data: ${JSON.stringify(snapshot)}\n\n`);
    });
    ctx.streams.add(end);
    request.raw.socket.once('close', end);
  });
}

/** uPlot's browser build and stylesheet, found when `workpool/server` is imported (uplot is a peer). */
const uplotFiles = {
  js: resolvePeer('uplot/dist/uPlot.iife.min.js', 'uplot', 'workpool/server'),
  css: resolvePeer('uplot/dist/uPlot.min.css', 'uplot', 'workpool/server'),
};

/** uPlot's files, read once on first use. */
function uplotAssets(): { js(): Promise<Buffer>; css(): Promise<Buffer> } {
  const once = (path: string): (() => Promise<Buffer>) => {
    let p: Promise<Buffer> | undefined;
    return () => {
      p ??= readFile(path);
      return p;
    };
  };
  return { js: once(uplotFiles.js), css: once(uplotFiles.css) };
}
