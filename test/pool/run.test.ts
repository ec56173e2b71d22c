import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from '../../src/index.js';
import { flush, gate } from '../helpers.js';

test('run resolves with the function result, sync or async', async () => {
  const pool = new Pool({ concurrency: 2 });
  assert.equal(await pool.run(() => 42), 42);
  assert.equal(await pool.run(async () => 'x'), 'x');
  await pool.close();
});

test("a task's own error passes through unchanged", async () => {
  const pool = new Pool({ concurrency: 1 });
  const error = Object.assign(new TypeError('boom'), { detail: 7 });
  await assert.rejects(
    pool.run(() => {
      throw error;
    }),
    (e) => e === error,
  );
  await assert.rejects(
    pool.run(async () => Promise.reject(error)),
    (e) => e === error,
  );
  assert.equal(await pool.run(() => 'still works'), 'still works');
  await pool.close();
});

test('never more than `concurrency` run at once', async () => {
  const pool = new Pool({ concurrency: 3 });
  const gates = Array.from({ length: 10 }, () => gate());
  let running = 0;
  let peak = 0;
  const results = gates.map((g, i) =>
    pool.run(async () => {
      running++;
      peak = Math.max(peak, running);
      await g.wait;
      running--;
      return i;
    }),
  );
  await flush();
  assert.equal(running, 3);
  assert.equal(pool.stats().queued, 7);
  for (const g of gates) {
    g.open();
    await flush();
    assert.ok(running <= 3);
  }
  assert.deepEqual(await Promise.all(results), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(peak, 3);
  await pool.close();
});

test('higher priority starts first, FIFO among equals', async () => {
  const pool = new Pool({ concurrency: 1 });
  const blocker = gate();
  const order: string[] = [];
  const first = pool.run(() => blocker.wait);
  const tasks = [
    pool.run(() => void order.push('low-a'), { priority: -1 }),
    pool.run(() => void order.push('mid-a')),
    pool.run(() => void order.push('high-a'), { priority: 5 }),
    pool.run(() => void order.push('mid-b')),
    pool.run(() => void order.push('high-b'), { priority: 5 }),
    pool.run(() => void order.push('low-b'), { priority: -1 }),
  ];
  await flush();
  blocker.open();
  await Promise.all([first, ...tasks]);
  assert.deepEqual(order, ['high-a', 'high-b', 'mid-a', 'mid-b', 'low-a', 'low-b']);
  await pool.close();
});

test('the function gets a signal and its attempt number', async () => {
  const pool = new Pool({ concurrency: 1 });
  const seen = await pool.run(({ signal, attempt }) => ({ aborted: signal.aborted, attempt }));
  assert.deepEqual(seen, { aborted: false, attempt: 1 });
  await pool.close();
});

test('a rejected result nobody awaits does not raise an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const pool = new Pool({ concurrency: 1 });
    void pool.run(() => {
      throw new Error('ignored');
    });
    const task = await pool.submit(async () => Promise.reject(new Error('also ignored')));
    void task;
    await pool.onIdle();
    await flush();
    await flush();
    assert.deepEqual(unhandled, []);
    await pool.close();
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('a task that throws at once, inside submit or trySubmit, or once it gets queue room, raises no unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const throws = (label: string) => (): never => {
    throw new Error(label);
  };
  try {
    const pool = new Pool({ concurrency: 1, maxQueue: 1 });
    // Idle pool: the function runs, and throws, before submit resolves.
    const a = await pool.submit(throws('submit, idle'));
    const b = pool.trySubmit(throws('trySubmit, idle'));
    assert.ok(b !== undefined);
    // Full pool: these wait for room, and run (and throw) in the pass that admits them.
    const held = gate();
    const busy = pool.run(() => held.wait);
    const queued = pool.run(throws('queued'));
    const waiting = [pool.submit(throws('submit, waited')), pool.run(throws('run, waited'))];
    held.open();
    await busy;
    await assert.rejects(queued, /queued/);
    await Promise.all(waiting.slice(0, 1));
    await pool.onIdle();
    await flush();
    await flush();
    assert.deepEqual(unhandled, []);
    // The results still reject for whoever does look.
    await assert.rejects(a.result, /submit, idle/);
    await assert.rejects(b.result, /trySubmit, idle/);
    await assert.rejects(waiting[1] as Promise<unknown>, /run, waited/);
    await pool.close();
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
