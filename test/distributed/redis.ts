/**
 * A real Redis for the distributed tests, started by the test itself.
 *
 * - `WORKPOOL_TEST_REDIS_URL` set: that server is used as it is (tests that kill and
 *   restart Redis need a local binary and fail at once, naming it).
 * - else `redis-server` on PATH is started on a free loopback port, with its own temporary
 *   data directory and `appendonly yes` (`appendfsync always`, so a kill -9 loses nothing
 *   acknowledged), and stopped when the test process exits;
 * - else, as root with apt-get, `apt-get install -y redis-server` is run once
 *   (test/support/apt.ts), as CI on a fresh machine would;
 * - else the test fails at once with what to install. It never skips.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemCommand } from '../support/apt.js';

export interface TestRedis {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** `{ host, port }`, as BullMQ and ioredis take it. */
  readonly connection: { readonly host: string; readonly port: number };
  /** kill -9 of the server (its append-only file stays). */
  kill(): Promise<void>;
  /** Starts the server again on the same port and data directory. */
  restart(): Promise<void>;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'The distributed tests need a Redis server: install redis-server (Debian/Ubuntu: `apt-get install -y redis-server`, macOS: `brew install redis`) or set WORKPOOL_TEST_REDIS_URL=redis://host:port';

function redisServerBinary(): string {
  return systemCommand('redis-server', 'redis-server', INSTALL_HINT);
}

/** A loopback port free now (nothing listens on it once this resolves). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

async function launch(
  binary: string,
  port: number,
  dir: string,
  fsync: 'always' | 'everysec',
  extra: readonly string[],
): Promise<ChildProcess> {
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      fsync,
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
      '--logfile',
      '',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  // Ready when it answers PING (the log line is not printed at loglevel warning).
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`redis-server exited with ${child.exitCode}: ${output}`);
    }
    if (await pings(port)) return child;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING within 30 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One PING over a raw socket: true when the server answers +PONG. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) socket.end();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(reply.startsWith('+PONG')));
  });
}

/** A Redis server for this test file (see the module comment for where it comes from). */
/**
 * @param options.appendfsync `'always'` (the default here: a kill -9 loses nothing
 * acknowledged) or Redis's own default `'everysec'` (benchmarks).
 */
export async function startRedis(
  options: {
    readonly appendfsync?: 'always' | 'everysec';
    /** More `redis-server` arguments, e.g. `['--cluster-enabled', 'yes']`. */
    readonly args?: readonly string[];
  } = {},
): Promise<TestRedis> {
  const fsync = options.appendfsync ?? 'always';
  const extra = options.args ?? [];
  const external = process.env.WORKPOOL_TEST_REDIS_URL;
  if (external !== undefined && external !== '') {
    const u = new URL(external);
    const host = u.hostname;
    const port = Number(u.port || 6379);
    const needLocal = (): Promise<void> =>
      Promise.reject(
        new Error(
          'This test kills and restarts Redis: unset WORKPOOL_TEST_REDIS_URL and install redis-server',
        ),
      );
    return {
      host,
      port,
      url: external,
      connection: { host, port },
      kill: needLocal,
      restart: needLocal,
      stop: async () => {},
    };
  }
  const binary = redisServerBinary();
  const dir = mkdtempSync(join(tmpdir(), 'workpool-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  for (let tries = 0; child === undefined; tries++) {
    port = await freePort();
    try {
      child = await launch(binary, port, dir, fsync, extra);
    } catch (error) {
      if (tries >= 3) throw error; // the port may have been taken between probe and start
    }
  }
  const host = '127.0.0.1';
  let current: ChildProcess | undefined = child;
  const kill = async (): Promise<void> => {
    const c = current;
    current = undefined;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    const exited = once(c, 'exit');
    c.kill('SIGKILL');
    await exited;
  };
  return {
    host,
    port,
    url: `redis://${host}:${port}`,
    connection: { host, port },
    kill,
    restart: async () => {
      await kill();
      current = await launch(binary, port, dir, fsync, extra);
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
