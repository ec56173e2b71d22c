import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool, QueueFullError, TaskDroppedError } from '../../src/index.js';
import { flush, gate } from '../helpers.js';

test("overflow 'reject': a full queue refuses at once, and counts it", async () => {
  const pool = new Pool({ concurrency: 1, maxQueue: 1, overflow: 'reject' });
  const g = gate();
  const running = pool.run(() => g.wait);
  const queued = pool.run(() => 'queued');
  await assert.rejects(
    pool.run(() => 'refused'),
    QueueFullError,
  );
  await assert.rejects(
    pool.submit(() => 'refused'),
    QueueFullError,
  );
  assert.equal(pool.stats().rejected, 2);
  g.open();
  await running;
  assert.equal(await queued, 'queued');
  await pool.close();
});

test("overflow 'drop-oldest' evicts the task that waited longest", async () => {
  const pool = new Pool({ concurrency: 1, maxQueue: 2, overflow: 'drop-oldest' });
  const g = gate();
  const running = pool.run(() => g.wait);
  await flush();
  const a = pool.run(() => 'a');
  const b = pool.run(() => 'b');
  const c = pool.run(() => 'c');
  await assert.rejects(a, TaskDroppedError);
  g.open();
  await running;
  assert.deepEqual(await Promise.all([b, c]), ['b', 'c']);
  assert.equal(pool.stats().dropped, 1);
  await pool.close();
});

test("overflow 'drop-lowest' evicts the lowest priority, and refuses a newcomer that is lowest", async () => {
  const pool = new Pool({ concurrency: 1, maxQueue: 2, overflow: 'drop-lowest' });
  const g = gate();
  const running = pool.run(() => g.wait);
  await flush();
  const low = pool.run(() => 'low', { priority: 0 });
  const mid = pool.run(() => 'mid', { priority: 1 });
  const high = pool.run(() => 'high', { priority: 2 });
  await assert.rejects(low, TaskDroppedError);
  await assert.rejects(
    pool.run(() => 'lowest', { priority: -1 }),
    QueueFullError,
  );
  g.open();
  await running;
  assert.deepEqual(await Promise.all([mid, high]), ['mid', 'high']);
  const s = pool.stats();
  assert.equal(s.dropped, 1);
  assert.equal(s.rejected, 1);
  await pool.close();
});

test('overflow option is validated', () => {
  assert.throws(() => new Pool({ overflow: 'drop-newest' as never }), /`overflow` to be one of/);
});
