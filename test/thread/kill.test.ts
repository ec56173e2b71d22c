import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ManualClock,
  TaskCancelledError,
  TaskTimeoutError,
  ThreadPool,
  WorkerCrashedError,
} from '../../src/index.js';
import { outcome } from '../helpers.js';
import { fixture, nextThreadEvent, SharedGate, threadDetails } from './helpers.js';

type Hang = typeof import('../fixtures/hang.js');

// Time is a ManualClock, moved only once the loop is known to run in its thread: on a real
// clock a thread slower than the timeout reads the cancel first and skips the task (no kill).
test('while (true) {} past its timeout is killed after killGrace and its thread replaced', async () => {
  const clock = new ManualClock();
  const pool = new ThreadPool<Hang>({
    module: fixture('hang.ts'),
    maxThreads: 1,
    killGrace: 20,
    clock,
  });
  const killed = nextThreadEvent(pool, 'exit', (e) => e.reason === 'kill');
  const gate = new SharedGate();
  const spinning = pool.run('spin', gate.sab, { timeout: 20 });
  await gate.started();
  clock.advance(20);
  await assert.rejects(spinning, TaskTimeoutError);
  assert.equal(threadDetails(pool).spawned, 1, 'not killed before killGrace');
  const replaced = nextThreadEvent(pool, 'online');
  clock.advance(20);
  await killed;
  await replaced;
  assert.equal(pool.stats().workers, 1);
  assert.equal(threadDetails(pool).alive, 1, 'back to its size');
  assert.equal(threadDetails(pool).spawned, 2);
  assert.equal(await pool.run('ok'), 'ok');
  assert.equal(pool.stats().timedOut, 1);
  assert.equal(pool.stats().killed, 1);
  await pool.close();
});

test('a task sharing the killed thread rejects WorkerCrashedError', async () => {
  const clock = new ManualClock();
  const pool = new ThreadPool<Hang>({
    module: fixture('hang.ts'),
    maxThreads: 1,
    concurrentTasksPerThread: 2,
    killGrace: 10,
    clock,
  });
  const gate = new SharedGate();
  const spinning = pool.run('spin', gate.sab, { timeout: 20 });
  const behind = pool.run('ok');
  await gate.started();
  clock.advance(20);
  await assert.rejects(spinning, TaskTimeoutError);
  clock.advance(10);
  await assert.rejects(
    behind,
    (e) => e instanceof WorkerCrashedError && e.code === 'ERR_WORKER_CRASHED',
  );
  assert.equal(await pool.run('ok'), 'ok');
  await pool.close();
});

test('terminate() kills a spinning thread and resolves once it is gone', async () => {
  const pool = new ThreadPool<Hang>({
    module: fixture('hang.ts'),
    maxThreads: 2,
    killGrace: 60_000,
  });
  const exits: string[] = [];
  pool.threads.on('exit', (e) => exits.push(e.reason));
  const spinning = pool.run('spin');
  const started = new Promise((resolve) => pool.on('start', resolve));
  await started;
  const report = await pool.terminate();
  assert.equal(report.cancelled, 1);
  const r = await outcome(spinning);
  assert.ok(!r.ok && r.error instanceof TaskCancelledError);
  assert.equal(threadDetails(pool).alive, 0, 'no thread outlives the pool');
  // Threads beyond the number of cores start once one is online: they may not have yet.
  assert.ok(exits.length >= 1, 'the spinning thread exited');
  assert.ok(
    exits.every((reason) => reason === 'close'),
    exits.join(),
  );
});
