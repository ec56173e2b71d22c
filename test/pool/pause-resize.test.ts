import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, Pool } from '../../src/index.js';
import { flush, gate } from '../helpers.js';

test('pause() stops starts, running tasks go on, resume() starts again', async () => {
  const pool = new Pool({ concurrency: 2 });
  const g = gate();
  const running = pool.run(() => g.wait);
  await flush();
  pool.pause();
  assert.equal(pool.paused, true);
  let ran = false;
  const queued = pool.run(() => {
    ran = true;
  });
  await flush();
  assert.equal(ran, false);
  assert.equal(pool.stats().queued, 1);
  g.open();
  await running;
  await flush();
  assert.equal(ran, false);
  pool.resume();
  await queued;
  assert.equal(ran, true);
  await pool.close();
});

test('resize() grows at once and shrinks without cutting running tasks short', async () => {
  const pool = new Pool({ concurrency: 1 });
  const gates = Array.from({ length: 6 }, () => gate());
  let running = 0;
  let peak = 0;
  const all = gates.map((g) =>
    pool.run(async () => {
      running++;
      peak = Math.max(peak, running);
      await g.wait;
      running--;
    }),
  );
  await flush();
  assert.equal(running, 1);
  pool.resize(3);
  await flush();
  assert.equal(running, 3);
  pool.resize(1);
  (gates[0] as (typeof gates)[0]).open();
  await flush();
  assert.equal(running, 2, 'no new start while over the new limit');
  (gates[1] as (typeof gates)[0]).open();
  (gates[2] as (typeof gates)[0]).open();
  await flush();
  assert.equal(running, 1);
  for (const g of gates) g.open();
  await Promise.all(all);
  assert.equal(peak, 3);
  assert.throws(() => pool.resize(0), RangeError);
  await pool.close();
});

test('concurrency {min, max} grows at once when work waits and retires idle workers', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: { min: 1, max: 4 }, idleTimeout: 1000, clock });
  const sizes: number[] = [];
  pool.on('resize', ({ workers }) => sizes.push(workers));
  assert.equal(pool.stats().workers, 1);
  const gates = Array.from({ length: 6 }, () => gate());
  const all = gates.map((g) => pool.run(() => g.wait));
  await flush();
  assert.equal(pool.stats().workers, 4);
  assert.equal(pool.stats().running, 4);
  for (const g of gates) g.open();
  await Promise.all(all);
  await pool.onIdle();
  // Demand peaked at 4 during the first window: nothing retires yet.
  clock.advance(1000);
  assert.equal(pool.stats().workers, 4);
  // A whole idle window: back to min.
  clock.advance(1000);
  assert.equal(pool.stats().workers, 1);
  assert.deepEqual(sizes, [4, 1]);
  assert.equal(clock.pending, 0, 'no idle timer left at min');
  await pool.close();
});
