import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool, PoolClosedError, TaskCancelledError } from '../../src/index.js';
import { flush, gate, outcome } from '../helpers.js';

test('close() waits for accepted work, reports totals, then refuses new work', async () => {
  const pool = new Pool({ concurrency: 1 });
  const g = gate();
  const a = pool.run(() => g.wait.then(() => 'a'));
  const b = pool.run(() => {
    throw new Error('b failed');
  });
  const c = pool.run(() => 'c');
  let closed = false;
  const closing = pool.close().then((report) => {
    closed = true;
    return report;
  });
  await flush();
  assert.equal(closed, false);
  await assert.rejects(
    pool.run(() => 'late'),
    PoolClosedError,
  );
  await assert.rejects(
    pool.submit(() => 'late'),
    PoolClosedError,
  );
  assert.throws(() => pool.trySubmit(() => 'late'), PoolClosedError);
  g.open();
  const report = await closing;
  assert.deepEqual(report, {
    submitted: 3,
    started: 3,
    completed: 2,
    failed: 1,
    cancelled: 0,
    timedOut: 0,
    dropped: 0,
    rejected: 0,
    retried: 0,
    killed: 0,
  });
  assert.equal(await a, 'a');
  assert.equal((await outcome(b)).ok, false);
  assert.equal(await c, 'c');
});

test('close() rejects producers still waiting for room (they were never accepted)', async () => {
  const pool = new Pool({ concurrency: 1, maxQueue: 0 });
  const g = gate();
  const running = pool.run(() => g.wait);
  const waiting = pool.submit(() => 'x');
  await flush();
  const closing = pool.close();
  await assert.rejects(waiting, PoolClosedError);
  g.open();
  await running;
  await closing;
});

test('terminate() rejects queued tasks and cancels running ones', async () => {
  const pool = new Pool({ concurrency: 1 });
  let signal: AbortSignal | undefined;
  const running = pool.run(({ signal: s }) => {
    signal = s;
    return new Promise(() => {});
  });
  const queued = pool.run(() => 'never');
  await flush();
  const report = await pool.terminate(new Error('shutting down'));
  await assert.rejects(running, TaskCancelledError);
  await assert.rejects(queued, PoolClosedError);
  assert.equal(signal?.aborted, true);
  assert.equal(report.cancelled, 2);
  await assert.rejects(
    pool.run(() => 1),
    PoolClosedError,
  );
});

test('onIdle() resolves when nothing is queued or running', async () => {
  const pool = new Pool({ concurrency: 2 });
  await pool.onIdle();
  const g = gate();
  void pool.run(() => g.wait);
  let idle = false;
  const waiting = pool.onIdle().then(() => {
    idle = true;
  });
  await flush();
  assert.equal(idle, false);
  g.open();
  await waiting;
  assert.equal(idle, true);
  await pool.close();
});

test('await using closes the pool', async () => {
  let pool: Pool | undefined;
  {
    await using p = new Pool({ concurrency: 1 });
    pool = p;
    await p.run(() => 1);
  }
  assert.equal(pool.closed, true);
});

test('close() does not wait for a cancelled function that never returns', async () => {
  const pool = new Pool({ concurrency: 1 });
  const task = await pool.submit(() => new Promise(() => {}));
  await flush();
  task.cancel();
  await assert.rejects(task.result, TaskCancelledError);
  const report = await pool.close();
  assert.equal(report.cancelled, 1);
});

test('close() refuses bad options at once, naming them, and the pool is not closed by it', async () => {
  const pool = new Pool({ concurrency: 1 });
  const wrong = pool.close.bind(pool) as (options: unknown) => Promise<unknown>;
  assert.throws(() => wrong({ timout: 5 }), {
    name: 'TypeError',
    message: 'Unknown option `timout`; expected one of: timeout, grace',
  });
  assert.throws(() => wrong({ timeout: 'x' }), /Expected `timeout` to be a number/);
  assert.throws(() => wrong({ grace: -3 }), { name: 'RangeError', message: /`grace`/ });
  assert.throws(() => wrong(5), /Expected `options` to be an object/);
  assert.equal(await pool.run(() => 1), 1);
  await pool.close({ timeout: Number.POSITIVE_INFINITY, grace: 0 });
});
