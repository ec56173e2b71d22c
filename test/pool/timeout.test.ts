import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, Pool, TaskTimeoutError } from '../../src/index.js';
import { flush, gate } from '../helpers.js';

test('a task past its timeout rejects TaskTimeoutError at the deadline and its signal aborts', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, clock });
  let signal: AbortSignal | undefined;
  const g = gate();
  const result = pool.run(
    async (ctx) => {
      signal = ctx.signal;
      await g.wait;
      return 'late';
    },
    { timeout: 100 },
  );
  await flush();
  clock.advance(99);
  assert.equal(signal?.aborted, false);
  clock.advance(1);
  await assert.rejects(
    result,
    (e) => e instanceof TaskTimeoutError && e.timeout === 100 && e.phase === 'run',
  );
  assert.equal(signal?.aborted, true);
  assert.ok(signal?.reason instanceof TaskTimeoutError);
  g.open();
  await pool.onIdle();
  assert.equal(pool.stats().timedOut, 1);
  await pool.close();
});

test('a timed-out function that ignores its signal keeps its slot until it settles', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, clock });
  const stubborn = gate();
  const timedOut = pool.run(() => stubborn.wait, { timeout: 10 });
  let nextStarted = false;
  const next = pool.run(() => {
    nextStarted = true;
  });
  await flush();
  clock.advance(10);
  await assert.rejects(timedOut, TaskTimeoutError);
  await flush();
  assert.equal(nextStarted, false, 'the limit is real: the slot is still taken');
  assert.equal(pool.stats().running, 1);
  stubborn.open();
  await next;
  assert.equal(nextStarted, true);
  await pool.close();
});

test('queueTimeout rejects a task that waited too long, without running it', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, clock });
  const g = gate();
  const blocker = pool.run(() => g.wait);
  let ran = false;
  const waiting = pool.run(
    () => {
      ran = true;
    },
    { queueTimeout: 50 },
  );
  await flush();
  clock.advance(50);
  await assert.rejects(waiting, (e) => e instanceof TaskTimeoutError && e.phase === 'queue');
  g.open();
  await blocker;
  await pool.onIdle();
  assert.equal(ran, false);
  assert.equal(pool.stats().queued, 0);
  await pool.close();
});

test('a task that finishes in time clears its timer', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, clock });
  assert.equal(await pool.run(() => 'fast', { timeout: 1000, queueTimeout: 1000 }), 'fast');
  assert.equal(clock.pending, 0);
  await pool.close();
});
