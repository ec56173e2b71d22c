/**
 * Each attempt owns its timers and its slot (issue 11): ending an attempt clears its run
 * timer, a retry is a new attempt, and a misbehaving thenable frees its slot once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, Pool, TaskDroppedError } from '../../src/index.js';
import { flush, gate, outcome } from '../helpers.js';

test("a retry does not inherit the failed attempt's run timer", async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, clock });
  const second = gate();
  const attempts: number[] = [];
  const result = pool.run(
    async ({ attempt }) => {
      attempts.push(attempt);
      if (attempt === 1) throw new Error('fast failure');
      await second.wait;
      return attempt;
    },
    { timeout: 100, retries: { attempts: 1, delay: 500 } },
  );
  await flush();
  clock.advance(100); // the first attempt's timer would fire here, during the backoff
  await flush();
  assert.equal(pool.stats().timedOut, 0);
  clock.advance(400); // the backoff ends: the second attempt starts, with a timer of its own
  await flush();
  assert.deepEqual(attempts, [1, 2]);
  clock.advance(99);
  second.open();
  assert.equal(await result, 2);
  await pool.onIdle();
  const s = pool.stats();
  assert.equal(s.completed, 1);
  assert.equal(s.timedOut, 0);
  await pool.close();
});

test('a retry waiting in the queue is the same task: dropping it settles nothing twice', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => {
    unhandled.push(e);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    const clock = new ManualClock();
    const pool = new Pool({ concurrency: 1, clock, maxQueue: 1, overflow: 'drop-oldest' });
    const retried = outcome(
      pool.run(
        ({ attempt }) => {
          if (attempt === 1) throw new Error('fast failure');
          return 'second attempt';
        },
        { timeout: 100, retries: { attempts: 1, delay: 500 } },
      ),
    );
    await flush();
    const blocker = gate();
    const busy = pool.run(() => blocker.wait); // holds the slot: the retry will wait queued
    clock.advance(500); // backoff over (a stale run timer would have fired at 100)
    await flush();
    const newcomer = pool.run(() => 'newcomer'); // drop-oldest evicts the queued retry
    const r = await retried;
    assert.ok(!r.ok && r.error instanceof TaskDroppedError, 'the retry was dropped, once');
    blocker.open();
    await busy;
    assert.equal(await newcomer, 'newcomer');
    await pool.terminate();
    await flush();
    const s = pool.stats();
    assert.equal(s.timedOut, 0);
    assert.equal(s.completed, 2);
    assert.equal(s.dropped, 1);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('a thenable that calls back twice frees its slot once: the limit holds', async () => {
  const pool = new Pool({ concurrency: 1 });
  const twice = {
    // biome-ignore lint/suspicious/noThenProperty: the point of the test
    then(ok: (v: number) => void, fail: (e: unknown) => void) {
      ok(1);
      fail(new Error('and failed'));
    },
  };
  assert.equal(await pool.run(() => twice as PromiseLike<number>), 1);
  let running = 0;
  let peak = 0;
  const g = gate();
  const tasks = [1, 2, 3].map(() =>
    pool.run(async () => {
      peak = Math.max(peak, ++running);
      await g.wait;
      running--;
    }),
  );
  await flush();
  g.open();
  await Promise.all(tasks);
  assert.equal(peak, 1);
  await pool.close();
});

test('a thenable whose then throws rejects its task', async () => {
  const pool = new Pool({ concurrency: 1 });
  const bad = {
    // biome-ignore lint/suspicious/noThenProperty: the point of the test
    then() {
      throw new Error('then threw');
    },
  };
  const r = await outcome(pool.run(() => bad as PromiseLike<number>));
  assert.ok(!r.ok && (r.error as Error).message === 'then threw');
  assert.equal(await pool.run(() => 'next'), 'next');
  await pool.close();
});

test('TaskDroppedError is still the error of a queued task evicted by drop-oldest', async () => {
  const pool = new Pool({ concurrency: 1, maxQueue: 1, overflow: 'drop-oldest' });
  const g = gate();
  const running = pool.run(() => g.wait);
  const victim = outcome(pool.run(() => 'victim'));
  const newcomer = pool.run(() => 'newcomer');
  const v = await victim;
  assert.ok(!v.ok && v.error instanceof TaskDroppedError);
  g.open();
  await running;
  assert.equal(await newcomer, 'newcomer');
  await pool.close();
});
