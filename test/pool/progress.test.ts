import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from '../../src/index.js';
import { Emitter, type SchedulerEvents } from '../../src/scheduler/events.js';
import { reportProgress } from '../../src/scheduler/progress.js';
import { gate } from '../helpers.js';

test('ctx.progress reaches onProgress and the pool event, in order, before the result', async () => {
  const pool = new Pool({ concurrency: 2 });
  const seen: unknown[] = [];
  const events: { id: number; value: unknown; name?: string }[] = [];
  pool.on('progress', (e) => events.push(e));
  const result = await pool.run(
    (ctx) => {
      ctx.progress(0.5);
      ctx.progress({ done: 2, of: 2 });
      seen.push('returned');
      return 'ok';
    },
    { name: 'job', onProgress: (v) => seen.push(v) },
  );
  assert.equal(result, 'ok');
  assert.deepEqual(seen, [0.5, { done: 2, of: 2 }, 'returned']);
  assert.equal(events.length, 2);
  assert.deepEqual(
    events.map((e) => [e.value, e.name]),
    [
      [0.5, 'job'],
      [{ done: 2, of: 2 }, 'job'],
    ],
  );
  await pool.close();
});

test('submit: progress of a running task is seen while it runs; reports after it settled are dropped', async () => {
  const pool = new Pool({ concurrency: 1 });
  const seen: unknown[] = [];
  const g = gate();
  let report: ((v: unknown) => void) | undefined;
  const task = await pool.submit(
    async (ctx) => {
      report = (v) => ctx.progress(v);
      ctx.progress('started');
      await g.wait;
      return 'done';
    },
    { onProgress: (v) => seen.push(v) },
  );
  assert.deepEqual(seen, ['started']);
  task.cancel();
  await assert.rejects(task.result);
  report?.('too late');
  g.open();
  await pool.onIdle();
  assert.deepEqual(seen, ['started']);
  await pool.close();
});

test("a throwing onProgress is reported as an uncaught exception, not as the task's error", () => {
  const events = new Emitter<SchedulerEvents>();
  const seen: unknown[] = [];
  events.on('progress', (e) => seen.push(e));
  const deferred: (() => void)[] = [];
  const original = globalThis.queueMicrotask;
  globalThis.queueMicrotask = (fn) => {
    deferred.push(fn);
  };
  try {
    reportProgress(
      events,
      () => {
        throw new Error('listener broke');
      },
      7,
      'job',
      0.5,
    );
  } finally {
    globalThis.queueMicrotask = original;
  }
  assert.deepEqual(seen, [{ id: 7, value: 0.5, name: 'job' }]);
  assert.equal(deferred.length, 1);
  assert.throws(() => deferred[0]?.(), /listener broke/);
});

test('onProgress must be a function', async () => {
  const pool = new Pool({ concurrency: 1 });
  assert.throws(() => pool.run(() => 1, { onProgress: 5 as never }), TypeError);
  await pool.close();
});

test('pool.map items report progress on the fast path and the per-item path', async () => {
  const pool = new Pool({ concurrency: 2 });
  for (const options of [{}, { timeout: 60_000 }]) {
    const seen: unknown[] = [];
    const ids = new Set<number>();
    const listener = (e: { id: number }): void => {
      ids.add(e.id);
    };
    pool.on('progress', listener);
    const out: number[] = [];
    for await (const v of pool.map(
      [1, 2, 3],
      async (x, ctx) => {
        ctx.progress(x * 10);
        return x;
      },
      { ...options, onProgress: (v) => seen.push(v) },
    ))
      out.push(v);
    pool.off('progress', listener);
    assert.deepEqual(out, [1, 2, 3]);
    assert.deepEqual(
      [...seen].sort((a, b) => (a as number) - (b as number)),
      [10, 20, 30],
    );
    assert.equal(ids.size, 3, 'each item is its own task id');
  }
  await pool.close();
});

test('the distributed mode refuses onProgress (reports do not cross hosts)', async () => {
  const { normalizeDistributedTaskOptions } = await import('../../src/distributed/options.js');
  assert.throws(() => normalizeDistributedTaskOptions({ onProgress: () => {} }), /onProgress/);
});
