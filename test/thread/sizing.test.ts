import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { ManualClock, ThreadPool } from '../../src/index.js';
import { allOnline, fixture, nextThreadEvent, SharedGate, threadDetails } from './helpers.js';

type Gate = typeof import('../fixtures/gate.js');

test('threads start at minThreads, grow at once to maxThreads while work waits, retire when idle', async () => {
  const clock = new ManualClock();
  const pool = new ThreadPool<Gate>({
    module: fixture('gate.ts'),
    minThreads: 1,
    maxThreads: 3,
    idleTimeout: 1000,
    clock,
  });
  assert.equal(pool.stats().workers, 1);
  const resizes: number[] = [];
  pool.on('resize', (e) => resizes.push(e.workers));
  const gates = [new SharedGate(), new SharedGate(), new SharedGate()];
  const results = gates.map((g) => pool.run('wait', g.sab));
  await Promise.all(gates.map((g) => g.started()));
  assert.equal(pool.stats().workers, 3);
  assert.equal(threadDetails(pool).alive, 3);
  for (const g of gates) g.open();
  await Promise.all(results);
  // Two idle windows: the first saw the demand of 3, the second sees none.
  const retired = [
    nextThreadEvent(pool, 'exit'),
    nextThreadEvent(pool, 'exit', (e) => e.reason === 'retire'),
  ];
  clock.advance(1000);
  clock.advance(1000);
  await Promise.all(retired);
  assert.equal(pool.stats().workers, 1);
  assert.deepEqual(resizes, [3, 1]);
  assert.equal(await pool.run('ok', 'still works'), 'still works');
  await pool.close();
});

test('resize() grows and shrinks the threads; busy threads retire after their task', async () => {
  const pool = new ThreadPool<Gate>({ module: fixture('gate.ts'), maxThreads: 2 });
  await allOnline(pool, 2);
  pool.resize(4);
  await allOnline(pool, 4);
  assert.equal(threadDetails(pool).alive, 4);
  const gate = new SharedGate();
  const busy = pool.run('wait', gate.sab);
  await gate.started();
  const exits: string[] = [];
  pool.threads.on('exit', (e) => exits.push(e.reason));
  pool.resize(1);
  assert.equal(pool.stats().workers, 1);
  // Three idle threads retire at once; the busy one is kept, or retired after its task.
  gate.open();
  assert.equal(await busy, 'released');
  while (threadDetails(pool).alive > 1) await nextThreadEvent(pool, 'exit');
  assert.deepEqual(exits, ['retire', 'retire', 'retire']);
  assert.equal(await pool.run('ok', 1), 1);
  await pool.close();
});

test('at most availableParallelism() threads start at once; the others once one is online', async () => {
  const cores = availableParallelism();
  const n = cores + 1;
  const pool = new ThreadPool({ module: fixture('echo.ts'), minThreads: n, maxThreads: n });
  assert.equal(threadDetails(pool).alive, cores, 'as many starting as there are cores');
  let count = 0;
  const all = new Promise<void>((resolve) => {
    pool.threads.on('online', () => {
      if (++count === n) resolve();
    });
  });
  await all;
  assert.equal(threadDetails(pool).alive, n);
  assert.equal(pool.stats().workers, n);
  await pool.close();
});
