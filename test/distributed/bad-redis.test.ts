/**
 * Bad Redis days: unreachable at start (a typed error after `readyTimeout`, for pools and
 * workers), a server that may evict keys (refused), and Redis gone while a pool waits on a
 * job (`close()` still returns by its deadline; the caller gets PoolClosedError).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import {
  DistributedPool,
  RedisConfigError,
  RedisUnavailableError,
  startWorker,
} from '../../src/distributed/index.js';
import { PoolClosedError } from '../../src/index.js';
import { runCli } from '../cli/helpers.js';
import { queueName, tasksModule } from './helpers.js';
import { freePort, startRedis, type TestRedis } from './redis.js';

type Tasks = typeof import('./fixtures/tasks.js');

describe('Redis unreachable at start', () => {
  it('a pool rejects RedisUnavailableError after readyTimeout, and so do its calls', async () => {
    const port = await freePort();
    const pool = new DistributedPool<Tasks>({
      connection: { host: '127.0.0.1', port },
      queue: 'q',
      readyTimeout: 300,
    });
    const error = await pool.ready().then(
      () => assert.fail('should not connect'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof RedisUnavailableError);
    assert.equal(error.code, 'ERR_REDIS_UNAVAILABLE');
    assert.equal(error.address, `127.0.0.1:${port}`);
    await assert.rejects(pool.run('echo', 1), RedisUnavailableError);
    const wrong = pool.close.bind(pool) as (options: unknown) => Promise<unknown>;
    assert.throws(() => wrong({ timout: 5 }), /Unknown option `timout`; expected one of: timeout/);
    await pool.close({ timeout: 1000 });
  });

  it('a Redis that comes up within readyTimeout, after a refused first attempt, is used', async () => {
    const redis = await startRedis();
    await redis.kill();
    // Something on the port that hangs up on every connection: the pool's first attempt
    // fails for sure (connect() rejected there once, and the pool gave up at once).
    const refusing = createServer((socket) => socket.destroy());
    refusing.listen(redis.port, '127.0.0.1');
    await once(refusing, 'listening');
    const pool = new DistributedPool<Tasks>({
      connection: redis.connection,
      queue: queueName('late-redis'),
      readyTimeout: 60_000,
    });
    const ready = pool.ready();
    const outcome = ready.then(
      () => 'ready',
      (e: unknown) => e,
    );
    await once(refusing, 'connection');
    await new Promise<void>((resolve) => refusing.close(() => resolve()));
    await redis.restart();
    assert.equal(await outcome, 'ready');
    await pool.close({ timeout: 2000 });
    await redis.stop();
  });

  it('workpool worker and workpool cluster exit 2 with the reason in one line, no stack', async () => {
    const port = await freePort();
    const redis = [
      '--redis',
      `redis://127.0.0.1:${port}`,
      '--queue',
      'q',
      '--ready-timeout',
      '300ms',
    ];
    for (const args of [
      ['worker', tasksModule, ...redis],
      ['cluster', ...redis],
    ]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
      assert.equal(
        r.stderr,
        `workpool: RedisUnavailableError: Redis at 127.0.0.1:${port} did not become ready within 300 ms (connect ECONNREFUSED 127.0.0.1:${port})\n`,
      );
    }
  });

  it('startWorker rejects RedisUnavailableError', async () => {
    const port = await freePort();
    await assert.rejects(
      startWorker({
        module: tasksModule,
        connection: `redis://127.0.0.1:${port}`,
        queue: 'q',
        readyTimeout: 300,
        threads: 1,
      }),
      RedisUnavailableError,
    );
  });
});

describe('unsafe Redis settings and Redis lost', () => {
  let redis: TestRedis;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  it('refuses a Redis whose maxmemory-policy may evict jobs', async () => {
    const admin = new Redis(redis.connection);
    try {
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const pool = new DistributedPool<Tasks>({ connection: redis.connection, queue: 'q' });
      const error = await pool.ready().then(
        () => assert.fail('should refuse'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof RedisConfigError);
      assert.equal(error.setting, 'maxmemory-policy');
      await pool.close({ timeout: 1000 });
      await assert.rejects(
        startWorker({ module: tasksModule, connection: redis.url, queue: 'q', threads: 1 }),
        RedisConfigError,
      );
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      admin.disconnect();
    }
  });

  it('close() returns by its deadline when Redis is gone; the waiting caller gets PoolClosedError', async () => {
    const pool = new DistributedPool<Tasks>({
      connection: redis.connection,
      queue: queueName('gone'),
    });
    const task = await pool.submit('echo', 1); // no worker: it waits in Redis
    await redis.kill();
    const started = performance.now();
    await pool.close({ timeout: 300 });
    const took = performance.now() - started;
    await assert.rejects(task.result, PoolClosedError);
    // A generous bound: it must not wait for Redis (ioredis would retry forever).
    assert.ok(took < 5000, `close took ${took} ms`);
    await redis.restart();
  });
});
