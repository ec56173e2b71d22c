import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, Pool } from '../../src/index.js';
import { flush } from '../helpers.js';

test('aging: under a steady stream of high-priority work a low-priority task starts within its bound', async () => {
  const clock = new ManualClock();
  // Priority 10 vs 0 with agingInterval 5 ms: the low task outranks any high task queued
  // more than (10 - 0) * 5 = 50 ms after it.
  const pool = new Pool({ concurrency: 1, agingInterval: 5, clock });
  let lowStartedAt = -1;
  const work = () => new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
  const all: Promise<unknown>[] = [pool.run(work, { priority: 10 })];
  await flush();
  all.push(
    pool.run(
      () => {
        lowStartedAt = clock.now();
      },
      { priority: 0 },
    ),
  );
  // Two new high-priority tasks every 10 ms: more than the pool can ever run.
  for (let t = 0; t < 300 && lowStartedAt < 0; t += 10) {
    all.push(pool.run(work, { priority: 10 }), pool.run(work, { priority: 10 }));
    await flush();
    clock.advance(10);
    await flush();
  }
  assert.ok(lowStartedAt >= 0, 'the low-priority task starved');
  // Everything queued before t = 50 ms may go first; at 10 ms per task that is bounded.
  assert.ok(lowStartedAt <= 10 + 11 * 10, `started at ${lowStartedAt}`);
  await pool.terminate();
  await Promise.allSettled(all);
});

test('without aging the same stream starves the low-priority task', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, clock });
  let lowStarted = false;
  const work = () => new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
  const all: Promise<unknown>[] = [pool.run(work, { priority: 10 })];
  all.push(
    pool.run(
      () => {
        lowStarted = true;
      },
      { priority: 0 },
    ),
  );
  for (let t = 0; t < 300; t += 10) {
    all.push(pool.run(work, { priority: 10 }), pool.run(work, { priority: 10 }));
    await flush();
    clock.advance(10);
    await flush();
  }
  assert.equal(lowStarted, false);
  await pool.terminate();
  await Promise.allSettled(all);
});
