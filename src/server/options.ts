// Over 300 lines for a reason: the option types, their key lists (checked against the types
// by `satisfies`) and their checks are one contract, kept in one place.
import { availableParallelism } from 'node:os';
import type { Connection } from '../distributed/index.js';
import { type Clock, checks, systemClock, ThreadPool, type ThreadPoolOptions } from '../index.js';

/**
 * The queue a cluster server shows (`workpool/distributed`'s names; bullmq and ioredis are
 * loaded only when this is given).
 */
export interface ClusterServeOptions {
  /** Where Redis is: a `redis://` URL or ioredis options. */
  readonly connection: Connection;
  /** The BullMQ queue name of the pools and workers. */
  readonly queue: string;
  /** BullMQ key prefix. @default 'bull' */
  readonly prefix?: string;
  /** Ms `serve()` waits for Redis before rejecting `RedisUnavailableError`. @default 10_000 */
  readonly readyTimeout?: number;
  /** Ms one sample's reads (or one action) may take before it counts as Redis unavailable. @default 2000 */
  readonly timeout?: number;
}

/**
 * Options of `serve()`. Give one of `module` (the server makes and owns a pool), `pool`, or
 * `cluster` (the dashboard of a distributed queue: its hosts, counts and actions, no task route).
 */
export interface ServeOptions {
  /** The task module to expose: a file path or a `file:` URL. */
  readonly module?: string | URL;
  /** An existing pool to expose instead; `close()` leaves it open (its owner closes it). */
  readonly pool?: ThreadPool;
  /** A distributed queue to show instead (see `ClusterServeOptions`). */
  readonly cluster?: ClusterServeOptions;
  /** Threads of the pool the server makes. @default os.availableParallelism() */
  readonly threads?: number;
  /** Tasks that may wait for a thread; past it, 503. @default 64 × threads */
  readonly maxQueue?: number;
  /** More options for the pool the server makes (`concurrentTasksPerThread`, `killGrace`, ...). */
  readonly poolOptions?: Omit<
    ThreadPoolOptions,
    'module' | 'minThreads' | 'maxThreads' | 'maxQueue'
  >;
  /** @default 3000 (0 picks a free port) */
  readonly port?: number;
  /** Interface to listen on. Any but loopback requires `token`. @default '127.0.0.1' */
  readonly host?: string;
  /**
   * Token required on every route but `/healthz` and `/login`: as `Authorization: Bearer
   * <token>`, or, for the dashboard and the other GET routes, through the login form at
   * `/login` (an HttpOnly cookie).
   */
  readonly token?: string;
  /** Ms a client has to send its whole request (headers and body); past it, 408 and the connection closes. @default 10_000 */
  readonly requestTimeout?: number;
  /** Ms an idle keep-alive connection stays open. @default 5_000 */
  readonly idleTimeout?: number;
  /** Connections open at once; more are closed as they arrive. @default 1024 */
  readonly maxConnections?: number;
  /** A request's deadline in ms (queue + run) unless its `x-timeout-ms` header says otherwise. @default 30_000 */
  readonly timeout?: number;
  /** Largest `x-timeout-ms` accepted. @default 300_000 */
  readonly maxTimeout?: number;
  /** Largest request body in bytes; larger is 413. @default 1_048_576 */
  readonly bodyLimit?: number;
  /** Include the handler error's stack in 500 answers. @default false */
  readonly exposeStack?: boolean;
  /** Ms `close()` lets in-flight requests finish before cancelling them. @default 10_000 */
  readonly drainTimeout?: number;
  /** Ms between dashboard samples (`/events`). @default 1000 */
  readonly sampleInterval?: number;
  /** Fine points the dashboard history keeps, one per sample. @default 300 (5 minutes at 1 s) */
  readonly history?: number;
  /** Ms each coarse point of the history spans (a whole number of samples). @default 10_000 */
  readonly coarseInterval?: number;
  /** Coarse points the history keeps. @default 360 (an hour at 10 s) */
  readonly coarseHistory?: number;
  /** Recent failed, timed-out, cancelled and dropped tasks the task list keeps. @default 200 */
  readonly failures?: number;
  /**
   * Refuse every dashboard action (pause, resume, resize, drain, cancel, retry) with 403:
   * for a screen anyone may look at. @default false
   */
  readonly readOnly?: boolean;
  /**
   * Time source of request deadlines, the drain deadline and latency figures (tests inject
   * a `ManualClock`). @default systemClock
   */
  readonly clock?: Clock;
}

export interface NormalizedServeOptions {
  readonly module: string | URL | undefined;
  readonly pool: ThreadPool | undefined;
  readonly cluster: ClusterServeOptions | undefined;
  readonly threads: number;
  readonly maxQueue: number;
  readonly poolOptions: ServeOptions['poolOptions'];
  readonly port: number;
  readonly host: string;
  readonly token: string | undefined;
  readonly requestTimeout: number;
  readonly idleTimeout: number;
  readonly maxConnections: number;
  readonly timeout: number;
  readonly maxTimeout: number;
  readonly bodyLimit: number;
  readonly exposeStack: boolean;
  readonly drainTimeout: number;
  readonly sampleInterval: number;
  readonly history: number;
  /** Samples per coarse point. */
  readonly coarseEvery: number;
  readonly coarseHistory: number;
  readonly failures: number;
  readonly readOnly: boolean;
  readonly clock: Clock;
}

export const serveDefaults = Object.freeze({
  port: 3000,
  host: '127.0.0.1',
  timeout: 30_000,
  requestTimeout: 10_000,
  idleTimeout: 5_000,
  maxConnections: 1024,
  maxTimeout: 300_000,
  bodyLimit: 1_048_576,
  exposeStack: false,
  drainTimeout: 10_000,
  sampleInterval: 1000,
  history: 300,
  coarseInterval: 10_000,
  coarseHistory: 360,
  failures: 200,
  readOnly: false,
  queuePerThread: 64,
});

const loopback: ReadonlySet<string> = new Set(['127.0.0.1', '::1', 'localhost']);

// Every key of the options types, once: the compiler fails when one is added to the type
// and not here (or the other way round), so the unknown-key check cannot fall behind.
const serveKeys: ReadonlySet<string> = new Set(
  Object.keys({
    module: true,
    pool: true,
    cluster: true,
    threads: true,
    maxQueue: true,
    poolOptions: true,
    port: true,
    host: true,
    token: true,
    requestTimeout: true,
    idleTimeout: true,
    maxConnections: true,
    timeout: true,
    maxTimeout: true,
    bodyLimit: true,
    exposeStack: true,
    drainTimeout: true,
    sampleInterval: true,
    history: true,
    coarseInterval: true,
    coarseHistory: true,
    failures: true,
    readOnly: true,
    clock: true,
  } satisfies Record<keyof ServeOptions, true>),
);
const clusterKeys: ReadonlySet<string> = new Set(
  Object.keys({
    connection: true,
    queue: true,
    prefix: true,
    readyTimeout: true,
    timeout: true,
  } satisfies Record<keyof ClusterServeOptions, true>),
);

/** Pure: checks `serve()`'s options and fills defaults; never mutates `options`. */
export function normalizeServeOptions(options: ServeOptions): NormalizedServeOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describe(options)}`);
  }
  // A misspelt option (`maxThreads` for `threads`, `prot`) is a bug, not a default.
  checks.knownKeys('', options as Record<string, unknown>, serveKeys);
  const given = [options.module, options.pool, options.cluster].filter((x) => x !== undefined);
  if (given.length !== 1) {
    throw new TypeError('Expected exactly one of `module`, `pool` and `cluster`');
  }
  if (options.pool !== undefined && !(options.pool instanceof ThreadPool)) {
    // The server runs a task module's named handlers (`POST /tasks/:name`); a `Pool` runs
    // functions, so there is nothing it could route a name to.
    throw new TypeError(
      `Expected \`pool\` to be a ThreadPool (the server runs a task module's named handlers; a Pool runs functions), got ${kind(options.pool)}`,
    );
  }
  if (
    options.cluster !== undefined &&
    (typeof options.cluster !== 'object' || options.cluster === null)
  ) {
    throw new TypeError(
      `Expected \`cluster\` to be an object ({ connection, queue }), got ${describe(options.cluster)}`,
    );
  }
  if (options.cluster !== undefined) {
    checks.knownKeys('cluster', options.cluster as unknown as Record<string, unknown>, clusterKeys);
  }
  const threads = int('threads', options.threads, availableParallelism(), 1);
  const host = options.host ?? serveDefaults.host;
  if (typeof host !== 'string' || host === '') {
    throw new TypeError(`Expected \`host\` to be a non-empty string, got ${describe(host)}`);
  }
  const token = options.token;
  if (token !== undefined && (typeof token !== 'string' || token.length < 8)) {
    throw new TypeError('Expected `token` to be a string of at least 8 characters');
  }
  if (token === undefined && !loopback.has(host)) {
    throw new RangeError(
      `Binding to ${JSON.stringify(host)} (not loopback) requires a \`token\` (bearer auth)`,
    );
  }
  const timeout = int('timeout', options.timeout, serveDefaults.timeout, 1);
  const sampleInterval = int(
    'sampleInterval',
    options.sampleInterval,
    serveDefaults.sampleInterval,
    10,
  );
  const coarseInterval = int(
    'coarseInterval',
    options.coarseInterval,
    Math.max(serveDefaults.coarseInterval, sampleInterval),
    sampleInterval,
  );
  const clock = options.clock ?? systemClock;
  if (
    typeof clock !== 'object' ||
    clock === null ||
    typeof clock.now !== 'function' ||
    typeof clock.setTimeout !== 'function' ||
    typeof clock.clearTimeout !== 'function'
  ) {
    throw new TypeError(
      `Expected \`clock\` to be a Clock (now, setTimeout, clearTimeout), got ${describe(clock)}`,
    );
  }
  return Object.freeze({
    module: options.module,
    pool: options.pool,
    cluster: options.cluster,
    threads,
    maxQueue: int('maxQueue', options.maxQueue, serveDefaults.queuePerThread * threads, 0),
    poolOptions: options.poolOptions,
    port: int('port', options.port, serveDefaults.port, 0, 65_535),
    host,
    token,
    requestTimeout: int('requestTimeout', options.requestTimeout, serveDefaults.requestTimeout, 1),
    idleTimeout: int('idleTimeout', options.idleTimeout, serveDefaults.idleTimeout, 1),
    maxConnections: int('maxConnections', options.maxConnections, serveDefaults.maxConnections, 1),
    timeout,
    maxTimeout: int(
      'maxTimeout',
      options.maxTimeout,
      Math.max(timeout, serveDefaults.maxTimeout),
      1,
    ),
    bodyLimit: int('bodyLimit', options.bodyLimit, serveDefaults.bodyLimit, 1),
    exposeStack: bool('exposeStack', options.exposeStack, serveDefaults.exposeStack),
    drainTimeout: int('drainTimeout', options.drainTimeout, serveDefaults.drainTimeout, 0),
    sampleInterval,
    history: int('history', options.history, serveDefaults.history, 1, 100_000),
    coarseEvery: Math.max(1, Math.round(coarseInterval / sampleInterval)),
    coarseHistory: int(
      'coarseHistory',
      options.coarseHistory,
      serveDefaults.coarseHistory,
      1,
      100_000,
    ),
    failures: int('failures', options.failures, serveDefaults.failures, 1, 100_000),
    readOnly: bool('readOnly', options.readOnly, serveDefaults.readOnly),
    clock,
  });
}

function int(
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`Expected \`${name}\` to be an integer, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new RangeError(
      `Expected \`${name}\` to be an integer from ${min} to ${max}, got \`${value}\``,
    );
  }
  return value;
}

function bool(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new TypeError(`Expected \`${name}\` to be a boolean, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  return `\`${typeof value === 'string' ? JSON.stringify(value) : String(value)}\` (${value === null ? 'null' : typeof value})`;
}

/** `a Pool`, `a Map`, or `describe()` for what is not an object. */
function kind(value: unknown): string {
  const name = (value as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof value === 'object' && value !== null && typeof name === 'string' && name !== ''
    ? `a ${name}`
    : describe(value);
}
