/**
 * A worker host stops CPU-bound work that will not stop by itself: a timed-out job's thread
 * is killed, a cancel from the caller's process reaches the running job and kills its
 * thread, and a job that crashes its thread every time fails after its attempts. The host
 * keeps serving each time: with one thread, a later job proves the thread was replaced.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { TaskCancelledError, TaskTimeoutError, WorkerCrashedError } from '../../src/index.js';
import { useCluster } from './helpers.js';

describe('a worker host kills threads that do not stop', () => {
  const c = useCluster('kill', { flags: ['--threads', '1', '--kill-grace', '100'] });

  it('a timed-out CPU-bound job fails TaskTimeoutError; the host goes on serving', async () => {
    const error = await c.pool.run('forever', undefined, { timeout: 200 }).then(
      () => assert.fail('should time out'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof TaskTimeoutError, String(error));
    assert.equal(error.phase, 'run');
    assert.equal(error.timeout, 200);
    assert.equal(await c.pool.run('pid'), c.workers[0]?.pid);
  });

  it('task.cancel() of a running CPU-bound job reaches the other process and kills its thread', async () => {
    const started = new Promise<string>((resolve) => c.pool.on('start', (e) => resolve(e.id)));
    const task = await c.pool.submit('forever');
    assert.equal(await started, task.id);
    task.cancel('enough');
    const error = await task.result.then(
      () => assert.fail('should be cancelled'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof TaskCancelledError);
    assert.equal(error.cause, 'enough');
    // One thread: this runs only once the deaf job's thread was killed and replaced.
    assert.equal(await c.pool.run('add', { a: 1, b: 1 }), 2);
  });

  it('an aborted signal does the same', async () => {
    const controller = new AbortController();
    const started = new Promise<void>((resolve) => c.pool.on('start', () => resolve()));
    const result = c.pool.run('forever', undefined, { signal: controller.signal });
    await started;
    controller.abort();
    await assert.rejects(result, TaskCancelledError);
    assert.equal(await c.pool.run('add', { a: 2, b: 2 }), 4);
  });

  it('a job that crashes its thread every time fails WorkerCrashedError after its attempts', async () => {
    const task = await c.pool.submit('crash', undefined, { retries: { attempts: 2, delay: 10 } });
    const error = await task.result.then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof WorkerCrashedError, String(error));
    const bull = new Queue(c.queue, { connection: c.redis.connection });
    try {
      const job = await bull.getJob(task.id);
      assert.equal(job?.attemptsMade, 3);
    } finally {
      await bull.close();
    }
    assert.equal(await c.pool.run('pid'), c.workers[0]?.pid); // same host process, still serving
  });
});
