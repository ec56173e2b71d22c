import { type Command, Option } from 'commander';
import { startError, UsageError } from './errors.js';
import { stopSignal } from './interrupt.js';
import { duration, integer } from './parse.js';

interface Flags {
  readonly port: number;
  readonly host: string;
  readonly threads?: number;
  readonly concurrency?: number;
  readonly maxQueue?: number;
  readonly token?: string;
  readonly requestTimeout?: number;
  readonly idleTimeout?: number;
  readonly maxConnections?: number;
  readonly timeout?: number;
  readonly drainTimeout: number;
  readonly bodyLimit?: number;
  readonly exposeStack?: true;
  readonly readOnly?: true;
  readonly redis?: string;
  readonly queue?: string;
  readonly prefix?: string;
}

/**
 * `workpool serve <module>`: the task module over HTTP with a dashboard. Runs until SIGTERM
 * or SIGINT, then stops accepting, drains within `--drain-timeout` and exits 0.
 * `workpool serve --redis URL --queue NAME`: the dashboard of a distributed queue instead
 * (its hosts, counts and actions; no task route, no module).
 */
export function register(program: Command): void {
  program
    .command('serve')
    .summary('serve a task module over HTTP, with metrics and a live dashboard')
    .description(
      'Serves the handlers of task module <module> on worker threads:\n' +
        '  POST /tasks/<handler>  JSON body in, JSON result out (x-timeout-ms: deadline)\n' +
        '  GET /  dashboard    GET /events  SSE    GET /metrics  Prometheus\n' +
        '  GET /stats  JSON    GET /healthz  200 healthy, 503 (e.g. module fails to load)\n' +
        '  POST /api/pause|resume|drain|resize  and  /api/tasks/<id>/cancel,\n' +
        "  /api/failures/<id>/retry: the dashboard's actions (JSON body; 403 with --read-only)\n" +
        'Overload is refused early with 503 + Retry-After. Binding to a non-loopback host\n' +
        'requires --token (bearer auth on every route but /healthz; the dashboard has a login\n' +
        'form at /login). A task module that cannot load: nothing listens, exit 2.\n' +
        'SIGTERM drains and exits 0.\n' +
        'With --redis URL --queue NAME instead of <module>: the dashboard of that distributed\n' +
        'queue (each worker host as a row; pause, resume, cancel and retry act on the queue).',
    )
    .argument('[module]', 'task module: a .js/.mjs file, or .ts with tsx installed')
    .option('--redis <url>', 'serve the cluster of a distributed queue on this Redis (no module)')
    .option('--queue <name>', 'with --redis: the BullMQ queue name')
    .option('--prefix <prefix>', 'with --redis: the BullMQ key prefix (default "bull")')
    .option('-p, --port <n>', 'port to listen on (0: any free port)', integer(0), 3000)
    .option('--host <host>', 'interface to bind; anything but loopback needs --token', '127.0.0.1')
    .option('-t, --threads <n>', 'worker threads (default: available parallelism)', integer(1))
    .option('-c, --concurrency <n>', 'tasks per thread at once (async handlers)', integer(1))
    .option(
      '--max-queue <n>',
      'requests that may wait for a thread (default 64 per thread)',
      integer(0),
    )
    .addOption(
      new Option(
        '--token <token>',
        'token required on every route but /healthz: as a bearer header, or through the login form at /login (dashboard)',
      ).env('WORKPOOL_TOKEN'),
    )
    .option(
      '--request-timeout <duration>',
      'time a client has to send its whole request; past it 408 (default 10s)',
      duration,
    )
    .option(
      '--idle-timeout <duration>',
      'idle keep-alive connections close after (default 5s)',
      duration,
    )
    .option('--max-connections <n>', 'connections open at once (default 1024)', integer(1))
    .option('--timeout <duration>', 'default request deadline, queue + run (default 30s)', duration)
    .option(
      '--drain-timeout <duration>',
      'on SIGTERM, time allowed to finish requests',
      duration,
      10_000,
    )
    .option(
      '--body-limit <bytes>',
      'largest request body; larger is 413 (default 1 MiB)',
      integer(1),
    )
    .option('--expose-stack', 'include handler error stacks in 500 answers')
    .option(
      '--read-only',
      'the dashboard only shows: pause, resume, resize, drain, cancel and retry answer 403',
    )
    .action(async (module: string | undefined, flags: Flags) => {
      const cluster = clusterOf(module, flags);
      const { serve } = await import('../server/index.js');
      let server: { url: string; close(): Promise<void> };
      try {
        server = await serve({
          ...(cluster === undefined ? { module: module ?? '' } : { cluster }),
          port: flags.port,
          host: flags.host,
          drainTimeout: Math.round(flags.drainTimeout),
          ...(flags.threads === undefined ? {} : { threads: flags.threads }),
          ...(flags.maxQueue === undefined ? {} : { maxQueue: flags.maxQueue }),
          ...(flags.token === undefined ? {} : { token: flags.token }),
          ...(flags.requestTimeout === undefined
            ? {}
            : { requestTimeout: Math.round(flags.requestTimeout) }),
          ...(flags.idleTimeout === undefined
            ? {}
            : { idleTimeout: Math.round(flags.idleTimeout) }),
          ...(flags.maxConnections === undefined ? {} : { maxConnections: flags.maxConnections }),
          ...(flags.timeout === undefined ? {} : { timeout: Math.round(flags.timeout) }),
          ...(flags.bodyLimit === undefined ? {} : { bodyLimit: flags.bodyLimit }),
          ...(flags.exposeStack === true ? { exposeStack: true } : {}),
          ...(flags.readOnly === true ? { readOnly: true } : {}),
          ...(flags.concurrency === undefined
            ? {}
            : { poolOptions: { concurrentTasksPerThread: flags.concurrency } }),
        });
      } catch (error) {
        // A bad option, a module that does not load, Redis out of reach or unsafe, a port
        // taken: nothing listens, exit 2 with the reason.
        throw serveError(error, flags);
      }
      process.stdout.write(
        `workpool: serving ${cluster === undefined ? module : `queue ${cluster.queue} on ${flags.redis}`} on ${server.url} (dashboard: ${server.url}/)\n`,
      );
      // The first SIGTERM/SIGINT drains; a second one gets Node's default (exit at once).
      const signal = await stopSignal();
      process.stderr.write(`workpool: ${signal}: draining (up to ${flags.drainTimeout} ms)\n`);
      await server.close();
      process.stderr.write('workpool: stopped\n');
      process.exitCode = 0;
    });
}

/** The cluster to serve (`--redis` and `--queue`), or `undefined` for a module; a UsageError for a mix. */
export function clusterOf(
  module: string | undefined,
  flags: { readonly redis?: string; readonly queue?: string; readonly prefix?: string },
): { connection: string; queue: string; prefix?: string } | undefined {
  if (flags.redis === undefined) {
    if (flags.queue !== undefined || flags.prefix !== undefined)
      throw new UsageError('--queue and --prefix go with --redis');
    if (module === undefined)
      throw new UsageError('give a task module, or --redis URL --queue NAME for a cluster');
    return undefined;
  }
  if (module !== undefined) throw new UsageError('give either a task module or --redis, not both');
  if (flags.queue === undefined) throw new UsageError('--redis needs --queue NAME');
  return {
    connection: flags.redis,
    queue: flags.queue,
    ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }),
  };
}

/** serve()'s options as this command's flags, for messages (see asFlags). */
const serveFlags: Readonly<Record<string, string>> = {
  port: '--port',
  host: '--host',
  threads: '--threads',
  maxQueue: '--max-queue',
  token: '--token',
  requestTimeout: '--request-timeout',
  idleTimeout: '--idle-timeout',
  maxConnections: '--max-connections',
  timeout: '--timeout',
  drainTimeout: '--drain-timeout',
  bodyLimit: '--body-limit',
  'poolOptions.concurrentTasksPerThread': '--concurrency',
  'cluster.connection': '--redis',
  'cluster.queue': '--queue',
  'cluster.prefix': '--prefix',
  connection: '--redis',
  queue: '--queue',
  prefix: '--prefix',
};

/**
 * What stops a server (`serve`, `dashboard`) from starting, as the user must fix it (exit
 * 2): a port it cannot listen on, or what stops any command (startError); else the error.
 */
export function serveError(error: unknown, flags: { host: string; port: number }): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new UsageError(`cannot listen on ${flags.host}:${flags.port}: ${String(code)}`);
  }
  return startError(error, serveFlags);
}
