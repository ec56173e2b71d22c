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

type Gate = typeof import('../fixtures/gate.js');
type Hang = typeof import('../fixtures/hang.js');

/** One thread running the gate fixture, with `prefetch` tasks sent ahead. */
function onOneThread(prefetch: number, clock?: ManualClock): ThreadPool<Gate> {
  return new ThreadPool<Gate>({
    module: fixture('gate.ts'),
    maxThreads: 1,
    prefetch,
    ...(clock === undefined ? {} : { clock }),
  });
}

test('prefetch: never more tasks begun and not ended than maxThreads * concurrentTasksPerThread', async () => {
  const pool = new ThreadPool<Gate>({ module: fixture('gate.ts'), maxThreads: 2, prefetch: 4 });
  const gate = new SharedGate();
  const counter = new SharedArrayBuffer(32);
  const results = Array.from({ length: 20 }, () =>
    pool.run('counted', { gate: gate.sab, counter }),
  );
  await gate.started();
  const stats = pool.stats();
  assert.ok(stats.running <= 2, `running ${stats.running}`);
  assert.equal(stats.running + stats.queued, 20, 'prefetched tasks count as queued');
  gate.open();
  await Promise.all(results);
  const c = new Int32Array(counter);
  assert.equal(c[4], 20);
  assert.ok((c[3] ?? 0) <= 2, `peak ${c[3]}`);
  await pool.close();
});

test('prefetch: a run timeout counts from the real start, not from when the task reached its thread', async () => {
  const clock = new ManualClock();
  const pool = onOneThread(2, clock);
  const gate = new SharedGate();
  const blocker = pool.run('wait', gate.sab);
  const behind = pool.run('ok', 'behind', { timeout: 50 });
  await gate.started();
  assert.equal(pool.stats().queued, 1, 'prefetched, not begun');
  // The task behind waits in the thread far longer than its timeout, without timing out.
  clock.advance(1000);
  assert.equal(pool.stats().timedOut, 0);
  gate.open();
  assert.equal(await blocker, 'released');
  assert.equal(await behind, 'behind');
  await pool.close();
});

test('prefetch: killing a thread gives its prefetched tasks back; they complete elsewhere exactly once', async () => {
  const clock = new ManualClock();
  const pool = new ThreadPool<Hang>({
    module: fixture('hang.ts'),
    maxThreads: 1,
    prefetch: 3,
    killGrace: 10,
    clock,
  });
  const killed = nextThreadEvent(pool, 'exit', (e) => e.reason === 'kill');
  const ends: number[] = [];
  pool.on('end', (e) => ends.push(e.id));
  const gate = new SharedGate();
  const spinning = pool.run('spin', gate.sab, { timeout: 20 });
  const behind = [pool.run('ok'), pool.run('ok'), pool.run('ok')];
  await gate.started(); // moved only once the loop runs (see kill.test.ts)
  clock.advance(20);
  await assert.rejects(spinning, TaskTimeoutError);
  clock.advance(10);
  await killed;
  assert.deepEqual(await Promise.all(behind), ['ok', 'ok', 'ok']);
  assert.equal(new Set(ends).size, ends.length, 'each settled once');
  assert.equal(ends.length, 4);
  await pool.close();
});

test('prefetch: a crash gives prefetched tasks back; the running one rejects WorkerCrashedError', async () => {
  const pool = new ThreadPool({ module: fixture('exit.js'), maxThreads: 1, prefetch: 2 });
  const crashing = pool.run('exit', 3);
  const behind = [pool.run('ok'), pool.run('ok')];
  await assert.rejects(crashing, WorkerCrashedError);
  assert.deepEqual(await Promise.all(behind), ['ok', 'ok']);
  await pool.close();
});

test('prefetch: cancelling a prefetched task settles it once and it never runs', async () => {
  const pool = onOneThread(2);
  const gate = new SharedGate();
  const counter = new SharedArrayBuffer(32);
  const blocker = pool.run('wait', gate.sab);
  const other = new SharedGate();
  other.open();
  const task = await pool.submit('counted', { gate: other.sab, counter });
  await gate.started();
  task.cancel('no');
  const r = await outcome(task.result);
  assert.ok(!r.ok && r.error instanceof TaskCancelledError);
  gate.open();
  assert.equal(await blocker, 'released');
  assert.equal(await pool.run('ok', 'after'), 'after');
  assert.equal(new Int32Array(counter)[4], 0, 'the cancelled task never ran');
  assert.equal(pool.stats().cancelled, 1);
  await pool.close();
});

test('prefetch: a timed task sent ahead times out even if it never ends on its own', {
  timeout: 20_000,
}, async () => {
  const clock = new ManualClock();
  const pool = onOneThread(2, clock);
  const first = new SharedGate();
  const second = new SharedGate();
  // A timed task replies the moment it ends; the one behind it then begins with no result
  // held, and the pool must still learn that it began, or its timeout would never start.
  const blocker = pool.run('waitAsyncOrAbort', first.sab, { timeout: 1000 });
  await first.started();
  const behind = pool.run('waitAsyncOrAbort', second.sab, { timeout: 50 });
  assert.equal(pool.stats().queued, 1, 'sent ahead');
  first.open();
  assert.equal(await blocker, 'released');
  await second.started();
  while (pool.stats().running === 0) await new Promise((resolve) => setImmediate(resolve));
  clock.advance(50);
  await assert.rejects(behind, TaskTimeoutError);
  await pool.close();
});

test('prefetch: pause() takes back the tasks sent ahead; none begins until resume()', async () => {
  const pool = onOneThread(3);
  const gate = new SharedGate();
  const runs = new SharedArrayBuffer(4 * 3);
  const blocker = pool.run('wait', gate.sab);
  await gate.started();
  const behind = [0, 1, 2].map((index) => pool.run('tally', { runs, index }));
  assert.equal(threadDetails(pool).threads[0]?.queued, 3, 'sent ahead to the thread');
  pool.pause();
  assert.equal(threadDetails(pool).threads[0]?.queued, 0, 'taken back at once');
  assert.equal(pool.stats().queued, 3, 'waiting in the pool again');
  gate.open();
  assert.equal(await blocker, 'released');
  assert.equal(pool.stats().running, 0);
  pool.resume();
  assert.deepEqual(await Promise.all(behind), [0, 1, 2]);
  assert.deepEqual([...new Int32Array(runs)], [1, 1, 1], 'each ran once');
  await pool.close();
});

test('prefetch: a task sent ahead is timed from when it really began (wait and run times)', async () => {
  const clock = new ManualClock();
  const pool = onOneThread(1, clock);
  const first = new SharedGate();
  const second = new SharedGate();
  const blocker = pool.run('wait', first.sab);
  await first.started();
  const behind = pool.run('wait', second.sab);
  clock.advance(100); // the task behind waits 100 ms in the thread
  first.open();
  assert.equal(await blocker, 'released');
  await second.started();
  clock.advance(40); // then runs 40 ms
  second.open();
  assert.equal(await behind, 'released');
  const wait = pool.stats().byName.wait;
  // Without knowing when it began, the pool would only learn it from its own result:
  // a run time of 0 and a wait of 140.
  // (Histogram buckets: values are exact to about 1%.)
  assert.equal(Math.round(wait?.runTime.max ?? 0), 100, 'the blocker ran 100 ms');
  assert.equal(Math.round(wait?.runTime.p50 ?? 0), 40, 'the task behind ran 40 ms');
  assert.equal(Math.round(wait?.waitTime.max ?? 0), 100, 'the task behind waited 100 ms');
  await pool.close();
});
