import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StreamReturn, StreamValue } from '../../src/index.js';
import {
  DataCloneError,
  ManualClock,
  TaskCancelledError,
  TaskTimeoutError,
  ThreadPool,
  WorkerCrashedError,
} from '../../src/index.js';
import { fixture, reach, threadDetails } from './helpers.js';

type Streams = typeof import('../fixtures/stream.js');

function pool(options: { clock?: ManualClock; killGrace?: number } = {}): ThreadPool<Streams> {
  return new ThreadPool<Streams>({
    module: fixture('stream.ts'),
    maxThreads: 1,
    concurrentTasksPerThread: 2,
    killGrace: 60_000,
    ...options,
  });
}

test('a generator handler streams its values in order; result is its return value', async () => {
  const threads = pool();
  const s = threads.stream('count', 40, { window: 3 });
  const seen: number[] = [];
  for await (const v of s) seen.push(v);
  assert.deepEqual(
    seen,
    Array.from({ length: 40 }, (_, i) => i),
  );
  assert.equal(await s.result, 'done');
  const sync: string[] = [];
  for await (const v of threads.stream('letters')) sync.push(v);
  assert.deepEqual(sync, ['a', 'b']);
  await threads.onIdle();
  const stats = threads.stats();
  assert.equal(stats.completed, 2);
  assert.equal(stats.submitted, 2);
  await threads.close();
});

test('back-pressure: the thread produces at most `window` values past what the caller read', async () => {
  const threads = pool();
  const cells = new Int32Array(new SharedArrayBuffer(16));
  const window = 4;
  const s = threads.stream('forever', cells.buffer as SharedArrayBuffer, { window });
  for (let i = 0; i < 3; i++) assert.deepEqual(await s.next(), { done: false, value: i });
  await reach(cells, 0, 4);
  // 50 turns of the thread's event loop: a generator that did not wait for credit would
  // produce about one value a turn meanwhile.
  const after = await threads.run('probe', { sab: cells.buffer as SharedArrayBuffer, turns: 50 });
  assert.ok(after <= 3 + window, `produced ${after} while the caller held off after 3`);
  assert.equal(Atomics.load(cells, 0), after, 'still waiting after the probe');
  // Reading on lets it go on, in order.
  for (let i = 3; i < 20; i++) assert.deepEqual(await s.next(), { done: false, value: i });
  const later = await threads.run('probe', { sab: cells.buffer as SharedArrayBuffer, turns: 50 });
  assert.ok(later >= 20 && later <= 20 + window, `produced ${later} after 20 were read`);
  await s.return();
  await threads.onIdle();
  assert.equal(Atomics.load(cells, 1), 1, 'the generator finally ran in the thread');
  await threads.close();
});

test("the caller's break runs the generator's finally in the thread and counts cancelled once", async () => {
  const threads = pool();
  const cells = new Int32Array(new SharedArrayBuffer(16));
  let n = 0;
  for await (const v of threads.stream('forever', cells.buffer as SharedArrayBuffer)) {
    assert.equal(v, n++);
    if (n === 5) break;
  }
  await threads.onIdle();
  assert.equal(Atomics.load(cells, 1), 1, 'finally ran in the thread');
  const stats = threads.stats();
  assert.equal(stats.cancelled, 1);
  assert.equal(stats.completed + stats.failed + stats.timedOut, 0);
  assert.equal(stats.killed, 0);
  assert.equal(threadDetails(threads).spawned, 1, 'the thread was kept');
  // The slot is free again.
  assert.equal(await threads.run('plain'), 42);
  await threads.close();
});

test('a signal cancels a stream: next() rejects TaskCancelledError, finally runs in the thread', async () => {
  const threads = pool();
  const cells = new Int32Array(new SharedArrayBuffer(16));
  const controller = new AbortController();
  const s = threads.stream('forever', cells.buffer as SharedArrayBuffer, {
    signal: controller.signal,
  });
  assert.deepEqual(await s.next(), { done: false, value: 0 });
  controller.abort('enough');
  // Values already here may come first; then the cancellation, once.
  let error: unknown;
  try {
    for (;;) if ((await s.next()).done === true) break;
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof TaskCancelledError);
  assert.deepEqual(await s.next(), { done: true, value: undefined });
  await assert.rejects(s.result, TaskCancelledError);
  await threads.onIdle();
  assert.equal(Atomics.load(cells, 1), 1);
  assert.equal(threads.stats().cancelled, 1);
  await threads.close();
});

test('gap timeout (ManualClock): no value for gapTimeout ends the stream, and the thread is killed after killGrace', async () => {
  const clock = new ManualClock();
  const threads = pool({ clock, killGrace: 1000 });
  const cells = new Int32Array(new SharedArrayBuffer(16));
  const s = threads.stream('stuck', cells.buffer as SharedArrayBuffer, { gapTimeout: 500 });
  assert.deepEqual(await s.next(), { done: false, value: 1 });
  clock.advance(499);
  clock.advance(1);
  await assert.rejects(s.next(), (e) => e instanceof TaskTimeoutError && e.phase === 'gap');
  assert.equal(threads.stats().timedOut, 1);
  clock.advance(1000); // killGrace: the blocked thread is terminated
  await threads.onIdle();
  const stats = threads.stats();
  assert.equal(stats.killed, 1);
  assert.equal(stats.timedOut, 1);
  assert.equal(stats.cancelled + stats.failed + stats.completed, 0);
  assert.equal(await threads.run('plain'), 42, 'a new thread took over');
  await threads.close();
});

test('the gap timer does not run while the caller holds off (ManualClock)', async () => {
  const clock = new ManualClock();
  const threads = pool({ clock });
  const cells = new Int32Array(new SharedArrayBuffer(16));
  const sab = cells.buffer as SharedArrayBuffer;
  const s = threads.stream('forever', sab, { window: 2, gapTimeout: 100 });
  await reach(cells, 0, 2);
  // The probe's result is posted after both values: once it is here, so are they, and the
  // producer has no credit left.
  assert.equal(await threads.run('probe', { sab, turns: 1 }), 2);
  clock.advance(10_000);
  assert.deepEqual(await s.next(), { done: false, value: 0 });
  assert.deepEqual(await s.next(), { done: false, value: 1 });
  assert.deepEqual(await s.next(), { done: false, value: 2 });
  await s.return();
  await threads.onIdle();
  assert.equal(threads.stats().timedOut, 0);
  assert.equal(threads.stats().cancelled, 1);
  await threads.close();
});

test('timeout bounds the whole stream (ManualClock) and a cooperative generator ends without a kill', async () => {
  const clock = new ManualClock();
  const threads = pool({ clock, killGrace: 1000 });
  const cells = new Int32Array(new SharedArrayBuffer(16));
  const s = threads.stream('patient', cells.buffer as SharedArrayBuffer, { timeout: 300 });
  assert.deepEqual(await s.next(), { done: false, value: 1 });
  clock.advance(300);
  await assert.rejects(s.next(), (e) => e instanceof TaskTimeoutError && e.phase === 'run');
  await threads.onIdle();
  assert.equal(Atomics.load(cells, 1), 1, 'finally ran in the thread');
  assert.equal(threads.stats().killed, 0);
  assert.equal(threadDetails(threads).spawned, 1);
  await threads.close();
});

test('a failing generator: its values first, then its error, once; counted failed', async () => {
  const threads = pool();
  const s = threads.stream('fails', 3);
  const seen: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const v of s) seen.push(v);
    })(),
    (e) => e instanceof RangeError && e.message === 'stream broke',
  );
  assert.deepEqual(seen, [0, 1, 2]);
  await assert.rejects(s.result, RangeError);
  await threads.onIdle();
  assert.equal(threads.stats().failed, 1);
  await threads.close();
});

test('transferred values arrive intact; an unclonable value ends the stream with DataCloneError', async () => {
  const threads = pool();
  const bytes: number[] = [];
  for await (const chunk of threads.stream('chunks', 3)) bytes.push(...(chunk as Uint8Array));
  assert.deepEqual(bytes, [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  const cells = new Int32Array(new SharedArrayBuffer(16));
  const s = threads.stream('unclonable', cells.buffer as SharedArrayBuffer);
  assert.deepEqual(await s.next(), { done: false, value: 1 });
  await assert.rejects(s.next(), DataCloneError);
  await threads.onIdle();
  assert.equal(Atomics.load(cells, 1), 1, 'finally ran');
  await threads.close();
});

test('a handler that returns no iterable fails the stream with a TypeError; bad options throw', async () => {
  const threads = pool();
  await assert.rejects(threads.stream('plain' as never).next(), TypeError);
  assert.throws(() => threads.stream('count', 1, { window: 0 }), RangeError);
  assert.throws(() => threads.stream('count', 1, { gapTimeout: -1 }), RangeError);
  assert.throws(() => threads.stream('count', 1, { retries: 2 }), /retries/);
  assert.throws(() => threads.stream('count', 1, { windw: 2 } as never), TypeError);
  await threads.close();
});

test('run() on a streaming handler fails with a TypeError that says to use stream(); data iterables still run', async () => {
  // Untyped: the handler types keep run() from naming a streaming handler.
  const threads: ThreadPool = pool();
  for (const [name, what] of [
    ['count', /async iterator/],
    ['letters', /returned an iterator/],
    ['later', /async iterator/],
  ] as const) {
    const error = await threads.run(name, 2).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof TypeError, String(error));
    assert.ok(!(error instanceof DataCloneError));
    assert.match(error.message, new RegExp(`Handler "${name}" streams`));
    assert.match(error.message, what);
    assert.match(error.message, new RegExp(`stream\\("${name}"`));
  }
  assert.deepEqual(await threads.run('list'), [1, 2, 3]);
  assert.equal(threadDetails(threads).spawned, 1, 'the thread was kept');
  await threads.close();
});

test('a thread that dies mid-stream fails it once (WorkerCrashedError); terminate ends a held-off stream', async () => {
  const threads = pool();
  const s = threads.stream('crash');
  assert.deepEqual(await s.next(), { done: false, value: 1 });
  await assert.rejects(s.next(), WorkerCrashedError);
  await threads.onIdle();
  assert.equal(threads.stats().failed, 1);
  const cells = new Int32Array(new SharedArrayBuffer(16));
  const held = threads.stream('forever', cells.buffer as SharedArrayBuffer, { window: 1 });
  assert.deepEqual(await held.next(), { done: false, value: 0 });
  const report = await threads.terminate();
  await assert.rejects(held.result, TaskCancelledError);
  assert.equal(report.cancelled, 1);
  assert.equal(report.failed, 1);
});

test('a stream holds one slot for its life', async () => {
  const threads = new ThreadPool<Streams>({ module: fixture('stream.ts'), maxThreads: 1 });
  const cells = new Int32Array(new SharedArrayBuffer(16));
  const s = threads.stream('forever', cells.buffer as SharedArrayBuffer);
  assert.deepEqual(await s.next(), { done: false, value: 0 });
  const later = threads.run('plain');
  assert.equal(threads.stats().running, 1);
  assert.equal(threads.stats().queued, 1, 'the task waits behind the stream');
  await s.return();
  assert.equal(await later, 42);
  await threads.close();
});

test('ctx.progress in a thread handler reaches onProgress and the pool event before the result', async () => {
  const threads = pool();
  const seen: unknown[] = [];
  const events: unknown[] = [];
  threads.on('progress', (e) => events.push([e.value, e.name]));
  const out = await threads.run('progress', 4, { onProgress: (v) => seen.push(v) });
  seen.push(out);
  assert.deepEqual(seen, [0.25, 0.5, 0.75, 1, 'done']);
  assert.deepEqual(events, [
    [0.25, 'progress'],
    [0.5, 'progress'],
    [0.75, 'progress'],
    [1, 'progress'],
  ]);
  assert.equal(await threads.run('badProgress'), 'DataCloneError');
  await threads.close();
});

// Type checks (`npm run typecheck`): values and the return value flow from the handler.
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(_: T): void {}
expectType<Equal<StreamValue<Streams, 'count'>, number>>(true);
expectType<Equal<StreamReturn<Streams, 'count'>, string>>(true);
expectType<Equal<StreamValue<Streams, 'letters'>, string>>(true);
async function typeChecks(threads: ThreadPool<Streams>, loose: ThreadPool): Promise<void> {
  for await (const n of threads.stream('count', 3)) {
    const m: number = n;
    void m;
  }
  const done: string = await threads.stream('count', 3).result;
  // @ts-expect-error `plain` returns no iterable
  threads.stream('plain');
  // @ts-expect-error `count` streams: run() cannot deliver a generator
  void threads.run('count', 3);
  // @ts-expect-error `letters` streams (a sync generator)
  void threads.submit('letters');
  const list: number[] = await threads.run('list');
  const plain: number = await threads.run('plain');
  void loose.run('anything');
  void list;
  void plain;
  // @ts-expect-error wrong input type
  threads.stream('count', 'three');
  for await (const v of loose.stream('anything', 1)) void v;
  void done;
}
void typeChecks;
