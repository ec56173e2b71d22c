import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ThreadPool } from '../../src/index.js';
import { fixture, SharedGate, threadDetails } from './helpers.js';

type Gate = typeof import('../fixtures/gate.js');

/** A pool of `threads` threads, resolved once all are online. */
async function online(threads: number, prefetch: number): Promise<ThreadPool<Gate>> {
  const pool = new ThreadPool<Gate>({ module: fixture('gate.ts'), maxThreads: threads, prefetch });
  let count = 0;
  const all = new Promise<void>((resolve) => {
    pool.threads.on('online', () => {
      if (++count === threads) resolve();
    });
  });
  await pool.run('ok', 0); // starts the threads
  await all;
  assert.equal(threadDetails(pool).online, threads);
  return pool;
}

// Without stealing these tests deadlock (the quick tasks wait behind a gate the test opens
// only after them): the timeout turns that into a failure.
const deadlock = { timeout: 20_000 };

test(
  'a task sent ahead to a thread stuck on a long task is stolen by an idle thread',
  deadlock,
  async () => {
    const pool = await online(2, 4);
    const runs = new SharedArrayBuffer(4 * 8);
    const gate = new SharedGate();
    const blocker = pool.run('wait', gate.sab);
    await gate.started();
    // Least-loaded placement sends every other task to the blocked thread, ahead of time:
    // they can only finish while the gate is closed if the other thread steals them.
    const quick = Array.from({ length: 8 }, (_, index) => pool.run('tally', { runs, index }));
    assert.deepEqual(await Promise.all(quick), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual([...new Int32Array(runs)], [1, 1, 1, 1, 1, 1, 1, 1], 'each ran once');
    gate.open();
    assert.equal(await blocker, 'released');
    await pool.close();
  },
);

test('a thread that comes online steals what waits in a busy one', deadlock, async () => {
  // One thread gets everything before the second is online (it is started by the first run).
  const pool = new ThreadPool<Gate>({
    module: fixture('gate.ts'),
    minThreads: 1,
    maxThreads: 1,
    prefetch: 6,
  });
  const runs = new SharedArrayBuffer(4 * 6);
  const gate = new SharedGate();
  const blocker = pool.run('wait', gate.sab);
  await gate.started();
  const quick = Array.from({ length: 6 }, (_, index) => pool.run('tally', { runs, index }));
  assert.equal(pool.stats().queued, 6, 'all sent ahead to the blocked thread');
  pool.resize(2);
  assert.deepEqual(await Promise.all(quick), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...new Int32Array(runs)], [1, 1, 1, 1, 1, 1]);
  gate.open();
  await blocker;
  await pool.close();
});

test('transferred input never waits in a busy thread: it runs on a free one, or stays here until one frees', async () => {
  const pool = await online(2, 4);
  const runs = new SharedArrayBuffer(4 * 4);
  const gates = [new SharedGate(), new SharedGate()] as const;
  const blocker = pool.run('wait', gates[0].sab);
  await gates[0].started();
  // One thread is blocked: the transfer goes to the other, though prefetch has room here.
  const data = new ArrayBuffer(8);
  assert.equal(await pool.run('tally', { runs, index: 0, data }, { transfer: [data] }), 0);
  assert.equal(data.byteLength, 0, 'the buffer moved to the thread that ran it');
  // Both threads blocked: the transfer is parked on this side, its buffer still here.
  const second = pool.run('wait', gates[1].sab);
  await gates[1].started();
  const parked = new ArrayBuffer(8);
  const moved = pool.run('tally', { runs, index: 1, data: parked }, { transfer: [parked] });
  const behind = pool.run('tally', { runs, index: 2 });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(parked.byteLength, 8, 'not sent while no thread can begin it');
  gates[1].open();
  assert.equal(await moved, 1);
  assert.equal(await behind, 2);
  assert.equal(parked.byteLength, 0);
  assert.deepEqual([...new Int32Array(runs)], [1, 1, 1, 0]);
  gates[0].open();
  await Promise.all([blocker, second]);
  await pool.close();
});

type Step = 'quick' | 'gated' | 'bad';

test('random gated schedules with prefetch: each task runs exactly once, never more at once than threads', async () => {
  const threadsArb = fc.integer({ min: 2, max: 3 });
  const prefetchArb = fc.integer({ min: 1, max: 6 });
  // 'bad' input cannot be cloned: it fails alone, in the middle of batches and steals.
  const stepArb = fc.constantFrom<Step>('quick', 'quick', 'gated', 'gated', 'bad');
  const planArb = fc.array(stepArb, { minLength: 1, maxLength: 24 });
  await fc.assert(
    fc.asyncProperty(
      threadsArb,
      prefetchArb,
      planArb,
      fc.infiniteStream(fc.nat()),
      async (threads, prefetch, plan, picks) => {
        const pool = await online(threads, prefetch);
        const runs = new SharedArrayBuffer(4 * plan.length);
        const counter = new SharedArrayBuffer(32);
        const gates = plan.map((step) => (step === 'gated' ? new SharedGate() : undefined));
        const results = plan.map((step, index) => {
          const gate = gates[index];
          const run =
            gate !== undefined
              ? pool.run('counted', { gate: gate.sab, counter }).then(() => index)
              : step === 'bad'
                ? pool.run('tally', { runs, index, data: (() => {}) as never })
                : pool.run('tally', { runs, index });
          return run.then(
            (value) => value,
            (error: Error) => error.name,
          );
        });
        // Open the gates one by one, each time a random one of those whose task has started.
        const closed = gates.flatMap((g) => (g === undefined ? [] : [g]));
        const it = picks[Symbol.iterator]();
        while (closed.length > 0) {
          await Promise.race(closed.map((g) => g.started()));
          const started = closed.filter((g) => new Int32Array(g.sab)[1] === 1);
          const gate = started[(it.next().value as number) % started.length];
          closed.splice(closed.indexOf(gate as SharedGate), 1);
          gate?.open();
        }
        assert.deepEqual(
          await Promise.all(results),
          plan.map((step, i) => (step === 'bad' ? 'DataCloneError' : i)),
        );
        assert.deepEqual(
          [...new Int32Array(runs)],
          plan.map((step) => (step === 'quick' ? 1 : 0)),
          'each quick task ran once, no bad one ran',
        );
        const c = new Int32Array(counter);
        assert.equal(
          c[4],
          plan.filter((step) => step === 'gated').length,
          'each gated task ran once',
        );
        assert.ok((c[3] ?? 0) <= threads, `peak ${c[3]} gated tasks at once`);
        assert.equal(await pool.run('tally', { runs, index: 0 }), 0, 'the pool still works');
        await pool.close();
      },
    ),
    { numRuns: 20 },
  );
});
