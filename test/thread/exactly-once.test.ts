/**
 * Regressions of issue 11 (exactly once): a result once produced is final, transferred
 * input is never silently lost, and a thenable's misbehaviour fails only its own task.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, ThreadPool, WorkerCrashedError } from '../../src/index.js';
import { outcome } from '../helpers.js';
import { allOnline, fixture, SharedGate, threadDetails } from './helpers.js';

type Fates = typeof import('../fixtures/fates.js');

function onOneThread(): ThreadPool<Fates> {
  return new ThreadPool<Fates>({ module: fixture('fates.ts'), maxThreads: 1 });
}

function sample(): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: 16 }, (_, i) => i + 1); // sum 136
}

test('a result produced before the next task kills its thread stays the result', async () => {
  const pool = onOneThread();
  const runs = new SharedArrayBuffer(8);
  // Sent together: the thread ends the first, then the second (prefetched) exits it.
  const first = pool.run('count', { runs, index: 0 }, { retries: 2 });
  const second = outcome(pool.run('exit'));
  assert.equal(await first, 0);
  const crashed = await second;
  assert.ok(!crashed.ok && crashed.error instanceof WorkerCrashedError);
  assert.equal(new Int32Array(runs)[0], 1, 'the completed task ran once');
  await pool.close();
});

test('a task that had not begun when its thread died runs again, once, not as a retry', async () => {
  const pool = onOneThread();
  const gate = new SharedGate();
  const runs = new SharedArrayBuffer(8);
  const dying = outcome(pool.run('exitAfter', gate.sab));
  const attempts: number[] = [];
  pool.on('start', (e) => attempts.push(e.attempt));
  const behind = pool.run('count', { runs, index: 1 });
  await gate.started();
  gate.open();
  const died = await dying;
  assert.ok(!died.ok && died.error instanceof WorkerCrashedError);
  assert.equal(await behind, 1);
  assert.equal(new Int32Array(runs)[1], 1);
  assert.deepEqual(attempts.slice(-1), [1], 'its first attempt, not a retry');
  assert.equal(pool.stats().retried, 0);
  await pool.close();
});

for (const how of ['pause', 'thread death'] as const) {
  test(`transferred input behind a busy task reaches its handler intact (${how})`, async () => {
    const pool = onOneThread();
    const gate = new SharedGate();
    const ahead = outcome(pool.run(how === 'pause' ? 'wait' : 'exitAfter', gate.sab));
    const data = sample();
    const moved = pool.run('bytes', data, { transfer: [data.buffer] });
    await gate.started();
    if (how === 'pause') pool.pause();
    gate.open();
    await ahead;
    if (how === 'pause') pool.resume();
    assert.deepEqual(await moved, { length: 16, sum: 136 });
    await pool.close();
  });
}

test('transfer with retries is refused at once: a retry would send a detached buffer', async () => {
  const pool = onOneThread();
  const data = sample();
  assert.throws(
    () => pool.run('bytes', data, { transfer: [data.buffer], retries: 1 }),
    (e: unknown) =>
      e instanceof TypeError && /transfer/.test(e.message) && /retries/.test(e.message),
  );
  assert.equal(data.byteLength, 16, 'nothing was moved');
  await pool.close();
});

test('a thenable whose then throws rejects its task; the thread and what it holds go on', async () => {
  const pool = onOneThread();
  const runs = new SharedArrayBuffer(8);
  const bad = outcome(pool.run('thenableThrows'));
  const next = pool.run('count', { runs, index: 0 });
  const result = await bad;
  assert.ok(!result.ok && result.error instanceof Error && result.error.message === 'then threw');
  assert.equal(await next, 0);
  assert.equal(threadDetails(pool).spawned, 1, 'no thread died');
  await pool.close();
});

test('a thenable that calls back twice settles its task once, with the first outcome', async () => {
  const pool = onOneThread();
  assert.equal(await pool.run('thenableTwice'), 1);
  assert.equal(pool.stats().completed, 1);
  await pool.close();
});

test('transferred input on a thread retired by a resize down reaches its handler intact', async () => {
  const pool = new ThreadPool<Fates>({ module: fixture('fates.ts'), maxThreads: 2 });
  const gates = [new SharedGate(), new SharedGate()] as const;
  const busy = gates.map((g) => pool.run('wait', g.sab));
  await Promise.all(gates.map((g) => g.started()));
  const data = sample();
  const moved = pool.run('bytes', data, { transfer: [data.buffer] }); // behind the first
  const copied = pool.run('bytes', sample()); // behind the second: both hold two now
  pool.resize(1); // retires the first (ties go to the first), which gives back what waits
  for (const g of gates) g.open();
  assert.deepEqual(await Promise.all(busy), ['released', 'released']);
  assert.deepEqual(await moved, { length: 16, sum: 136 });
  assert.deepEqual(await copied, { length: 16, sum: 136 });
  await pool.close();
});

test('a result goes back the moment it is produced, so tasks sent together are timed apart', async () => {
  const clock = new ManualClock();
  const pool = new ThreadPool<Fates>({ module: fixture('fates.ts'), maxThreads: 1, clock });
  const first = new SharedGate();
  const second = new SharedGate();
  // Sent in one message: the second waits in the thread behind the first.
  const a = pool.run('wait', first.sab);
  const b = pool.run('wait', second.sab);
  await first.started();
  clock.advance(30);
  first.open();
  // Held back until the second ended, this would never arrive (the second waits for us).
  assert.equal(await a, 'released');
  await second.started();
  clock.advance(30);
  second.open();
  assert.equal(await b, 'released');
  const run = pool.stats().byName.wait?.runTime;
  assert.equal(Math.round(run?.p50 ?? 0), 30);
  assert.equal(Math.round(run?.max ?? 0), 30);
  await pool.close();
});

test('a resize down starts nothing new while the retiring thread still runs (the limit holds)', async () => {
  const pool = new ThreadPool<typeof import('../fixtures/gate.js')>({
    module: fixture('gate.ts'),
    maxThreads: 2,
  });
  const counter = new SharedArrayBuffer(32);
  const c = new Int32Array(counter);
  const gates = [new SharedGate(), new SharedGate()] as const;
  const open = [new SharedGate(), new SharedGate()] as const;
  for (const g of open) g.open();
  await allOnline(pool, 2); // so placement is in thread order: the first task on the first
  // Two running, one sent ahead to each thread; the resize retires the first (ties).
  const running = gates.map((g) => pool.run('counted', { gate: g.sab, counter }));
  await Promise.all(gates.map((g) => g.started()));
  const ahead = open.map((g) => pool.run('counted', { gate: g.sab, counter }));
  pool.resize(1); // one thread retires after its task; the limit is now 1
  Atomics.store(c, 3, 0); // peak from here on
  for (const i of [1, 0]) {
    // The kept thread ends its task first, while the retiring one's still runs.
    gates[i]?.open();
    await running[i];
    assert.ok((c[3] ?? 0) <= 1, `${c[3]} ran at once with a limit of 1`);
  }
  await Promise.all(ahead);
  assert.ok((c[3] ?? 0) <= 1, `${c[3]} ran at once with a limit of 1`);
  await pool.close();
});
