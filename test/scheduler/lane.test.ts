import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PoolClosedError, TaskDroppedError } from '../../src/errors.js';
import { Pool } from '../../src/index.js';
import { Backlog } from '../../src/scheduler/backlog.js';
import { Lane } from '../../src/scheduler/lane.js';
import { normalizeTaskOptions, noTaskOptions } from '../../src/scheduler/options.js';
import { QUEUED, TaskRecord } from '../../src/scheduler/task.js';
import { gate } from '../helpers.js';

// Plain queued tasks wait in the backlog's lane without a record (src/scheduler/lane.ts):
// these tests prove the lane changes no order and no outcome.

const plain = { agingInterval: Number.POSITIVE_INFINITY, weights: undefined, maxPerKey: Infinity };
const sink = (): void => {};

test('a lane entry comes back as the record admission would have made', () => {
  const lane = new Lane<string>();
  const promise = Promise.resolve();
  lane.push(7, 'payload', sink, promise, 12.5);
  const r = lane.shift() as TaskRecord<string>;
  assert.equal(r.id, 7);
  assert.equal(r.payload, 'payload');
  assert.equal(r.options, noTaskOptions);
  assert.equal(r.sink, sink);
  assert.equal(r.promise, promise);
  assert.equal(r.since, 12.5);
  assert.equal(r.state, QUEUED);
  assert.equal(r.settled, false);
  assert.equal(r.callback, false);
  assert.equal(lane.shift(), undefined);
});

test('the lane is FIFO across chunks, and reuses them when it empties and fills again', () => {
  const lane = new Lane<number>();
  const promise = Promise.resolve();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 5000; i++) lane.push(i + 1, i, sink, promise, i);
    assert.equal(lane.size, 5000);
    for (let i = 0; i < 2500; i++) assert.equal(lane.shift()?.payload, i);
    for (let i = 5000; i < 7000; i++) lane.push(i + 1, i, sink, promise, i);
    for (let i = 2500; i < 7000; i++) assert.equal(lane.shift()?.id, i + 1);
    assert.equal(lane.size, 0);
  }
});

test('a record pushed behind plain tasks queues behind them; a higher priority one goes first', () => {
  const backlog = new Backlog<string>(plain);
  const promise = Promise.resolve();
  assert.equal(backlog.pushPlain(1, 'p1', sink, promise, 1), true);
  assert.equal(backlog.pushPlain(2, 'p2', sink, promise, 2), true);
  const same = new TaskRecord(3, 'r3', normalizeTaskOptions({ name: 'x' }), sink, false);
  same.since = 3;
  const high = new TaskRecord(4, 'r4', normalizeTaskOptions({ priority: 1 }), sink, false);
  high.since = 4;
  backlog.push(same);
  backlog.push(high);
  // With a record queued, a plain task must be made a record (to keep FIFO among equals).
  assert.equal(backlog.pushPlain(5, 'p5', sink, promise, 5), false);
  assert.equal(backlog.size, 4);
  const order: string[] = [];
  for (let r = backlog.shift(); r !== undefined; r = backlog.shift()) order.push(r.payload);
  assert.deepEqual(order, ['r4', 'p1', 'p2', 'r3']);
});

test('a keyed pool never uses the lane (a fair queue orders by key)', () => {
  const backlog = new Backlog<string>({ ...plain, maxPerKey: 2 });
  assert.equal(backlog.pushPlain(1, 'p1', sink, Promise.resolve(), 1), false);
});

test('Pool: plain tasks queued behind others run in order, each settles once, ids stay in admission order', async () => {
  const pool = new Pool({ concurrency: 1 });
  const g = gate();
  const ids: number[] = [];
  pool.on('start', (e) => ids.push(e.id));
  const order: number[] = [];
  const first = pool.run(() => g.wait);
  const plainTasks = Array.from({ length: 50 }, (_, i) =>
    pool.run(async () => {
      order.push(i);
      return i;
    }),
  );
  const named = pool.run(() => 'named', { name: 'n' });
  const more = pool.run(() => 'after');
  assert.equal(pool.stats().queued, 52);
  g.open();
  await first;
  assert.deepEqual(await Promise.all(plainTasks), order);
  assert.equal(await named, 'named');
  assert.equal(await more, 'after');
  assert.deepEqual(
    order,
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.deepEqual(
    ids,
    [...ids].sort((a, b) => a - b),
  );
  const s = pool.stats();
  assert.equal(s.submitted, 53);
  assert.equal(s.completed, 53);
  await pool.close();
});

test('Pool: close and terminate settle plain tasks still waiting; drop-oldest evicts one', async () => {
  const pool = new Pool({ concurrency: 1, maxQueue: 2, overflow: 'drop-oldest' });
  const g = gate();
  const running = pool.run(() => g.wait);
  const a = pool.run(() => 'a');
  const b = pool.run(() => 'b');
  const c = pool.run(() => 'c'); // evicts a
  await assert.rejects(a, TaskDroppedError);
  const terminated = pool.terminate();
  await assert.rejects(b, PoolClosedError);
  await assert.rejects(c, PoolClosedError);
  g.open();
  await running.catch(() => {});
  const report = await terminated;
  assert.equal(report.dropped, 1);
  assert.equal(report.submitted, 4);
});

test('Pool: a plain task that fails while queued behind others rejects, handled, and close waits for it', async () => {
  const pool = new Pool({ concurrency: 1 });
  const g = gate();
  const running = pool.run(() => g.wait);
  const failing = pool.run(async () => {
    throw new RangeError('late');
  });
  g.open();
  await running;
  await assert.rejects(failing, RangeError);
  const report = await pool.close();
  assert.equal(report.failed, 1);
  assert.equal(report.completed, 1);
});

test('Pool: a queued plain task that fails with nobody awaiting it raises no unhandled rejection', async () => {
  const seen: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    const pool = new Pool({ concurrency: 1 });
    const g = gate();
    const running = pool.run(() => g.wait);
    void pool.run(() => {
      throw new Error('nobody awaits this');
    });
    g.open();
    await running;
    await pool.close();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
