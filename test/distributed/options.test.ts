/**
 * Task options across hosts: retries (run by BullMQ, or by the caller for `retryIf`),
 * an idempotency `id`, `delay`, `priority`, cancelling a queued job (removed from Redis),
 * `queueTimeout`, and `maxQueue` back-pressure (reject, and wait until a worker makes room).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { DistributedPool } from '../../src/distributed/index.js';
import { QueueFullError, TaskCancelledError, TaskTimeoutError } from '../../src/index.js';
import { queueName, startWorkerProcess, type Tasks, until, useCluster } from './helpers.js';

describe('task options through a worker host', () => {
  const c = useCluster('options');
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'workpool-options-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('retries a failing job (BullMQ attempts and backoff) until it succeeds', async () => {
    const d = mkdtempSync(join(dir, 'flaky-'));
    const out = await c.pool.run(
      'flaky',
      { dir: d, failures: 2 },
      { retries: { attempts: 2, delay: 5 } },
    );
    assert.equal(out, 'ok after 3');
  });

  it('fails with the last error once the attempts are spent', async () => {
    const d = mkdtempSync(join(dir, 'flaky-'));
    await assert.rejects(
      c.pool.run('flaky', { dir: d, failures: 5 }, { retries: 1 }),
      /attempt 2 fails/,
    );
  });

  it('retryIf is asked by the caller, which writes each retry as a new job', async () => {
    const d = mkdtempSync(join(dir, 'flaky-'));
    const asked: number[] = [];
    const retries: number[] = [];
    c.pool.on('retry', (e) => retries.push(e.attempt));
    const out = await c.pool.run(
      'flaky',
      { dir: d, failures: 2 },
      {
        retries: {
          attempts: 5,
          delay: 1,
          retryIf: (error, attempt) => {
            asked.push(attempt);
            return error instanceof Error && /fails/.test(error.message);
          },
        },
      },
    );
    assert.equal(out, 'ok after 3');
    assert.deepEqual(asked, [1, 2]);
    assert.deepEqual(retries, [1, 2]);
  });

  it('ctx.attempt on the host counts BullMQ retries and caller-side ones', async () => {
    assert.equal(await c.pool.run('attemptOf', { failures: 0 }), 1);
    const bull = { retries: { attempts: 3, delay: 1 } };
    assert.equal(await c.pool.run('attemptOf', { failures: 2 }, bull), 3);
    const caller = { retries: { attempts: 3, delay: 1, retryIf: () => true } };
    assert.equal(await c.pool.run('attemptOf', { failures: 2 }, caller), 3);
  });

  it('an idempotency id: the same id runs once and every caller gets its result', async () => {
    const id = `order-${process.pid}`;
    const first = await c.pool.submit('add', { a: 1, b: 2 }, { id });
    const second = await c.pool.submit('add', { a: 100, b: 200 }, { id }); // same job: input ignored
    assert.equal(first.id, id);
    assert.equal(await first.result, 3);
    assert.equal(await second.result, 3);
    // Finished already: a late caller with the id gets the stored result.
    assert.equal(await c.pool.run('add', { a: 0, b: 0 }, { id }), 3);
  });

  it('cancelling a queued job removes it from Redis', async () => {
    const bull = new Queue(c.queue, { connection: c.redis.connection });
    try {
      const task = await c.pool.submit('echo', 'later', { delay: 60_000 });
      assert.equal(await (await bull.getJob(task.id))?.getState(), 'delayed');
      task.cancel();
      await assert.rejects(task.result, TaskCancelledError);
      await until('job removed', async () => (await bull.getJob(task.id)) === undefined);
    } finally {
      await bull.close();
    }
  });

  it('queueTimeout: a job nobody started in time is removed and rejects (phase queue)', async () => {
    const q = queueName('idle'); // no worker takes it
    const p = new DistributedPool<Tasks>({ connection: c.redis.connection, queue: q });
    const bull = new Queue(q, { connection: c.redis.connection });
    try {
      const task = await p.submit('echo', 1, { queueTimeout: 50 });
      const error = await task.result.then(
        () => assert.fail('should time out'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof TaskTimeoutError);
      assert.equal(error.phase, 'queue');
      assert.equal(error.timeout, 50);
      assert.equal(await bull.getJob(task.id), undefined);
    } finally {
      await bull.close();
      await p.close({ timeout: 2000 });
    }
  });

  it('maxQueue: with overflow reject, a full queue refuses with QueueFullError; trySubmit says undefined', async () => {
    const small = new DistributedPool<Tasks>({
      connection: c.redis.connection,
      queue: queueName('full'), // no worker: jobs stay
      maxQueue: 2,
      overflow: 'reject',
    });
    try {
      await small.submit('echo', 1);
      await small.submit('echo', 2);
      await assert.rejects(small.submit('echo', 3), QueueFullError);
      await small.clusterStats();
      assert.equal(small.trySubmit('echo', 4), undefined);
    } finally {
      await small.terminate();
    }
  });

  it("maxQueue with overflow 'wait': submit waits while the queue is full and goes on when a worker makes room", async () => {
    const q = queueName('wait'); // no worker yet: jobs stay
    const small = new DistributedPool<Tasks>({
      connection: c.redis.connection,
      queue: q,
      maxQueue: 2,
    });
    const bull = new Queue(q, { connection: c.redis.connection });
    try {
      const first = [await small.submit('echo', 1), await small.submit('echo', 2)];
      let accepted = false;
      const third = small.submit('echo', 3).then((task) => {
        accepted = true;
        return task;
      });
      await until('the third submit waits for room', () => small.stats().blocked === 1);
      // While it waits, its job is not in Redis.
      assert.equal(await bull.count(), 2);
      assert.equal(accepted, false);
      const w = await startWorkerProcess(c.redis.url, q, ['--threads', '1']);
      try {
        const results = await Promise.all([...first, await third].map((t) => t.result));
        assert.deepEqual(results, [1, 2, 3]);
        assert.equal(small.stats().blocked, 0);
      } finally {
        await w.terminate();
      }
    } finally {
      await bull.close();
      await small.close({ timeout: 2000 });
    }
  });

  it('priority: higher first, across hosts', async () => {
    const q = queueName('prio');
    const p = new DistributedPool<Tasks>({ connection: c.redis.connection, queue: q });
    const order: number[] = [];
    try {
      const tasks = [];
      for (const priority of [0, 5, -3, 9, 1]) {
        tasks.push(await p.submit('echo', priority, { priority }));
      }
      const w = await startWorkerProcess(c.redis.url, q, ['--threads', '1', '--concurrency', '1']);
      try {
        await Promise.all(tasks.map((t) => t.result.then((v) => order.push(v as number))));
      } finally {
        await w.terminate();
      }
      assert.deepEqual(order, [9, 5, 1, 0, -3]);
    } finally {
      await p.close({ timeout: 2000 });
    }
  });
});
