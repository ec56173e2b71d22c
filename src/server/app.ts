/**
 * The Fastify app every server is built on (a local pool's or a cluster's): its own
 * `http.Server` with bounded connections, the one error shape, the JSON body, the token,
 * and connections closed while draining.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { importPeer, requirePeers } from '../peer.js';
import { registerAuth } from './auth.js';
import { registerJsonBody } from './body.js';
import { clientErrorHandler, registerErrorShape } from './errors.js';
import type { NormalizedServeOptions } from './options.js';

// Every package the server needs, looked up before any loads: one error names all missing.
requirePeers('workpool/server', ['fastify', 'prom-client', 'uplot']);

const { default: Fastify } = await importPeer(
  () => import('fastify'),
  'fastify',
  'workpool/server',
);

export interface App {
  readonly app: FastifyInstance;
  /** From now on, answers close their connection (set by `close()`). */
  drain(): void;
}

export function createApp(o: NormalizedServeOptions): App {
  // Every connection is bounded: its request (headers and body) must arrive within
  // `requestTimeout` (408), an idle keep-alive connection closes after `idleTimeout`, and
  // past `maxConnections` new connections are closed at once.
  const serverFactory = (handler: Parameters<typeof createServer>[1]): Server => {
    const server = createServer(
      {
        requestTimeout: o.requestTimeout,
        headersTimeout: o.requestTimeout,
        keepAliveTimeout: o.idleTimeout,
        // How often Node checks those deadlines (its default, 30 s, would let them run late).
        connectionsCheckingInterval: Math.min(1000, o.requestTimeout),
      },
      handler,
    );
    server.maxConnections = o.maxConnections;
    // No inactivity timeout beyond those: an answer may rightly take up to `maxTimeout`.
    server.timeout = 0;
    return server;
  };
  const app = Fastify({
    bodyLimit: o.bodyLimit,
    clientErrorHandler: clientErrorHandler(o.requestTimeout),
    logger: false,
    return503OnClosing: true,
    serverFactory,
  });
  registerErrorShape(app);
  registerJsonBody(app);
  let draining = false;
  // While draining, answers close their connection: an idle keep-alive connection would
  // otherwise hold `server.close()` open until the client drops it.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (draining) reply.header('connection', 'close');
    return payload;
  });
  if (o.token !== undefined) registerAuth(app, o.token);
  return {
    app,
    drain: () => {
      draining = true;
    },
  };
}

/** `http://host:port` of a listening app. */
export function urlOf(app: FastifyInstance): { url: string; port: number } {
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}`, port: address.port };
}
