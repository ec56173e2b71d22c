import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, Pool, PoolClosedError, TaskCancelledError } from '../../src/index.js';
import { flush, gate } from '../helpers.js';

test('close({ timeout }) drains, then cancels what waits and aborts what runs, then gives up on the rest', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 2, clock });
  const quick = gate();
  const finishes = pool.run(() => quick.wait.then(() => 'done'));
  const cooperative = pool.run(
    ({ signal }) =>
      new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
  );
  const next = pool.run(() => 'ran in the freed slot');
  const stubborn = pool.run(() => new Promise(() => {}), { priority: -1 });
  const neverStarted = pool.run(() => 'never', { priority: -2 });
  await flush();
  const closing = pool.close({ timeout: 100, grace: 50 });
  quick.open();
  assert.equal(await finishes, 'done');
  assert.equal(await next, 'ran in the freed slot');
  await flush();
  clock.advance(100);
  await assert.rejects(cooperative, TaskCancelledError);
  await assert.rejects(stubborn, TaskCancelledError);
  await assert.rejects(neverStarted, PoolClosedError);
  await flush();
  clock.advance(50);
  const report = await closing;
  assert.deepEqual(report, {
    submitted: 5,
    started: 4,
    completed: 2,
    failed: 0,
    cancelled: 3,
    timedOut: 0,
    dropped: 0,
    rejected: 0,
    retried: 0,
    killed: 1,
  });
  assert.equal(clock.pending, 0);
});

test('close({ timeout }) that drains in time is a plain close', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, clock });
  const p = pool.run(() => 1);
  const report = await pool.close({ timeout: 1000 });
  assert.equal(await p, 1);
  assert.deepEqual(report, {
    submitted: 1,
    started: 1,
    completed: 1,
    failed: 0,
    cancelled: 0,
    timedOut: 0,
    dropped: 0,
    rejected: 0,
    retried: 0,
    killed: 0,
  });
  assert.equal(clock.pending, 0);
});
