import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThreadPool } from '../../src/index.js';
import { fixture, SharedGate, threadDetails } from './helpers.js';

type Gate = typeof import('../fixtures/gate.js');

test('concurrentTasksPerThread: one thread runs that many async tasks at once, no more', async () => {
  const pool = new ThreadPool<Gate>({
    module: fixture('gate.ts'),
    maxThreads: 1,
    concurrentTasksPerThread: 2,
  });
  const gates = [new SharedGate(), new SharedGate(), new SharedGate()];
  const results = gates.map((g) => pool.run('waitAsyncOrAbort', g.sab));
  await Promise.all([gates[0]?.started(), gates[1]?.started()]);
  assert.equal(pool.stats().running, 2);
  assert.equal(pool.stats().queued, 1, 'the third waits: the limit is real');
  assert.equal(threadDetails(pool).threads[0]?.utilization, 1);
  for (const g of gates) g.open();
  assert.deepEqual(await Promise.all(results), ['released', 'released', 'released']);
  await pool.close();
});

test('with one task per thread, two blocking tasks run on two threads at once', async () => {
  const pool = new ThreadPool<Gate>({ module: fixture('gate.ts'), maxThreads: 2 });
  const a = new SharedGate();
  const b = new SharedGate();
  const results = [pool.run('wait', a.sab), pool.run('wait', b.sab)];
  await Promise.all([a.started(), b.started()]);
  assert.equal(pool.stats().running, 2);
  a.open();
  b.open();
  assert.deepEqual(await Promise.all(results), ['released', 'released']);
  await pool.close();
});
