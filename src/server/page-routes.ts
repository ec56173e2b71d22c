import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { resolvePeer } from '../peer.js';
import { Compressible } from './compress.js';
import { dashboardHtml } from './dashboard/page.js';
import type { Sampler, Update } from './sampler.js';

export interface PageContext {
  readonly sampler: Sampler;
  /** Open `/events` streams, ended when the server closes. */
  readonly streams: Set<() => void>;
  /** The page hides its actions (the server refuses them anyway). */
  readonly readOnly: boolean;
  /** A token guards the server (the page offers to sign out). */
  readonly token: boolean;
  /** The page shows a cluster (worker hosts as rows; queue actions only). */
  readonly cluster: boolean;
}

/** A stream whose client reads slower than this many buffered bytes is dropped. */
const MAX_BUFFERED = 1 << 20;

/** The dashboard `/` with its assets, and `/events` (SSE): the same for a pool and a cluster. */
export function registerPageRoutes(app: FastifyInstance, ctx: PageContext): void {
  const { sampler } = ctx;
  const page = new Compressible(
    dashboardHtml({ readOnly: ctx.readOnly, token: ctx.token, cluster: ctx.cluster }),
  );
  app.get('/', async (request, reply) =>
    page.send(
      request,
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header(
          'content-security-policy',
          "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        ),
    ),
  );

  const assets = uplotAssets();
  app.get('/assets/uplot.js', async (request, reply) =>
    (await assets.js()).send(
      request,
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'max-age=86400'),
    ),
  );
  app.get('/assets/uplot.css', async (request, reply) =>
    (await assets.css()).send(
      request,
      reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=86400'),
    ),
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
    // The history is not sent here: the page fetches it (`GET /api/history`, compressed)
    // each time this stream opens, and merges the points that arrive meanwhile.
    raw.write('retry: 2000\n\n');
    const end = (): void => {
      unsubscribe();
      ctx.streams.delete(end);
      if (!raw.writableEnded) raw.end();
    };
    const unsubscribe = sampler.subscribe((update) => {
      if (raw.writableLength > MAX_BUFFERED) {
        end();
        return;
      }
      raw.write(eventText(update));
    });
    ctx.streams.add(end);
    request.raw.socket.once('close', end);
  });
}

/** Each update as SSE text, made once however many streams are open. */
const texts = new WeakMap<Update, string>();
function eventText(update: Update): string {
  let text = texts.get(update);
  if (text === undefined) {
    text = `data: ${JSON.stringify(update.fine)}\n\n`;
    if (update.coarse !== undefined)
      text += `event: coarse\ndata: ${JSON.stringify(update.coarse)}\n\n`;
    texts.set(update, text);
  }
  return text;
}

/**
 * uPlot's files (uplot is a peer), found when a server registers its page and read once on
 * first use. Not at import: app.ts checks every peer of `workpool/server` first, so a
 * missing uplot is named with the others in one error (an import-time lookup here threw
 * on its own, ahead of that check, since app.ts waits on fastify's import).
 */
function uplotAssets(): { js(): Promise<Compressible>; css(): Promise<Compressible> } {
  const uplotFiles = {
    js: resolvePeer('uplot/dist/uPlot.iife.min.js', 'uplot', 'workpool/server'),
    css: resolvePeer('uplot/dist/uPlot.min.css', 'uplot', 'workpool/server'),
  };
  const once = (path: string): (() => Promise<Compressible>) => {
    let p: Promise<Compressible> | undefined;
    return () => {
      p ??= readFile(path).then((b) => new Compressible(b));
      return p;
    };
  };
  return { js: once(uplotFiles.js), css: once(uplotFiles.css) };
}
