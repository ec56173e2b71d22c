import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool, QueueFullError, TaskCancelledError } from '../../src/index.js';
import { flush, gate } from '../helpers.js';

test('submit resolves once accepted and waits while the queue is full', async () => {
  const pool = new Pool({ concurrency: 1, maxQueue: 1 });
  const g = gate();
  const a = await pool.submit(() => g.wait.then(() => 'a'));
  const b = await pool.submit(() => 'b');
  await flush();
  // One running, one queued: a third submit waits for room (the buffered channel send).
  let accepted = false;
  const c = pool
    .submit(() => 'c')
    .then((task) => {
      accepted = true;
      return task;
    });
  await flush();
  assert.equal(accepted, false);
  assert.equal(pool.stats().queued, 1);
  g.open();
  const taskC = await c;
  assert.equal(accepted, true);
  assert.deepEqual(await Promise.all([a.result, b.result, taskC.result]), ['a', 'b', 'c']);
  assert.ok(a.id < b.id && b.id < taskC.id);
  await pool.close();
});

test('trySubmit returns undefined at once when there is no room', async () => {
  const pool = new Pool({ concurrency: 1, maxQueue: 1 });
  const g = gate();
  const a = pool.trySubmit(() => g.wait);
  const b = pool.trySubmit(() => 'b');
  assert.ok(a !== undefined && b !== undefined);
  assert.equal(
    pool.trySubmit(() => 'c'),
    undefined,
  );
  g.open();
  await Promise.all([a.result, b.result]);
  assert.ok(pool.trySubmit(() => 'd') !== undefined);
  await pool.close();
});

test('maxQueue: 0 accepts only what can start (an unbuffered channel)', async () => {
  const pool = new Pool({ concurrency: 2, maxQueue: 0 });
  const g = gate();
  assert.ok(pool.trySubmit(() => g.wait) !== undefined);
  assert.ok(pool.trySubmit(() => g.wait) !== undefined);
  assert.equal(
    pool.trySubmit(() => g.wait),
    undefined,
  );
  g.open();
  await pool.onIdle();
  await pool.close();
});

test('cancel removes a queued task and aborts a running one', async () => {
  const pool = new Pool({ concurrency: 1 });
  const started = gate<AbortSignal>();
  const running = await pool.submit(({ signal }) => {
    started.open(signal);
    return new Promise((_, reject) =>
      signal.addEventListener('abort', () => reject(signal.reason)),
    );
  });
  let queuedRan = false;
  const queued = await pool.submit(() => {
    queuedRan = true;
  });
  const signal = await started.wait;
  queued.cancel('not needed');
  await assert.rejects(
    queued.result,
    (e) => e instanceof TaskCancelledError && e.cause === 'not needed',
  );
  running.cancel();
  await assert.rejects(running.result, TaskCancelledError);
  assert.equal(signal.aborted, true);
  await pool.onIdle();
  assert.equal(queuedRan, false);
  const s = pool.stats();
  assert.equal(s.cancelled, 2);
  assert.equal(s.queued, 0);
  await pool.close();
});

test('a task signal cancels it while queued or running, and an aborted signal refuses at once', async () => {
  const pool = new Pool({ concurrency: 1 });
  const g = gate();
  const blocker = pool.run(() => g.wait);
  const controller = new AbortController();
  const queued = pool.run(() => 'never', { signal: controller.signal });
  await flush();
  controller.abort(new Error('user gave up'));
  await assert.rejects(
    queued,
    (e) => e instanceof TaskCancelledError && (e.cause as Error).message === 'user gave up',
  );
  await assert.rejects(
    pool.run(() => 1, { signal: controller.signal }),
    TaskCancelledError,
  );
  g.open();
  await blocker;
  await pool.close();
});

test('a waiting submit can be cancelled by its signal and takes no room', async () => {
  const pool = new Pool({ concurrency: 1, maxQueue: 0 });
  const g = gate();
  await pool.submit(() => g.wait);
  const controller = new AbortController();
  const waiting = pool.submit(() => 'x', { signal: controller.signal });
  controller.abort();
  await assert.rejects(waiting, TaskCancelledError);
  g.open();
  await pool.onIdle();
  assert.equal(pool.stats().submitted, 1);
  await pool.close();
});

test('QueueFullError is exported with a stable code', () => {
  const e = new QueueFullError(3);
  assert.equal(e.code, 'ERR_QUEUE_FULL');
  assert.equal(e.maxQueue, 3);
  assert.equal(e.name, 'QueueFullError');
});
