import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ManualClock,
  Pool,
  TaskCancelledError,
  type TaskContext,
  TaskTimeoutError,
} from '../../src/index.js';
import { flush, gate } from '../helpers.js';

/** Event-loop turns (not time): what an unthrottled generator would use to run ahead. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

test('pool.stream runs an async generator as one task and yields its values; result is its return value', async () => {
  const pool = new Pool({ concurrency: 2 });
  const s = pool.stream(async function* () {
    for (let i = 0; i < 30; i++) yield i;
    return 'end';
  });
  const seen: number[] = [];
  for await (const v of s) seen.push(v);
  assert.deepEqual(
    seen,
    Array.from({ length: 30 }, (_, i) => i),
  );
  assert.equal(await s.result, 'end');
  await pool.onIdle();
  const stats = pool.stats();
  assert.equal(stats.submitted, 1);
  assert.equal(stats.completed, 1);
  await pool.close();
});

test('back-pressure: the generator runs at most `window` values ahead of the caller', async () => {
  const pool = new Pool({ concurrency: 1 });
  let produced = 0;
  let finished = false;
  const s = pool.stream(
    async function* () {
      try {
        for (let i = 0; ; i++) {
          produced++;
          yield i;
        }
      } finally {
        finished = true;
      }
    },
    { window: 5 },
  );
  for (let i = 0; i < 3; i++) assert.deepEqual(await s.next(), { done: false, value: i });
  await turns(50);
  assert.ok(produced <= 3 + 5, `produced ${produced} while the caller held off after 3`);
  for (let i = 3; i < 40; i++) assert.deepEqual(await s.next(), { done: false, value: i });
  await turns(50);
  assert.ok(produced <= 40 + 5, `produced ${produced} after 40 were read`);
  await s.return();
  await pool.onIdle();
  assert.equal(finished, true, "break ran the generator's finally");
  assert.equal(pool.stats().cancelled, 1);
  await pool.close();
});

test('break, cancel() and the signal end the stream once (cancelled) and free its slot', async () => {
  const pool = new Pool({ concurrency: 1 });
  const ends: string[] = [];
  const endless = (label: string) =>
    async function* ({ signal }: TaskContext) {
      try {
        for (let i = 0; !signal.aborted; i++) yield i;
      } finally {
        ends.push(label);
      }
    };
  for await (const v of pool.stream(endless('break'))) if (v === 3) break;
  const c = pool.stream(endless('cancel'));
  await c.next();
  c.cancel('stop');
  await assert.rejects(c.result, (e) => e instanceof TaskCancelledError && e.cause === 'stop');
  const controller = new AbortController();
  const a = pool.stream(endless('signal'), { signal: controller.signal });
  await a.next();
  controller.abort();
  await assert.rejects(async () => {
    for (;;) if ((await a.next()).done === true) return;
  }, TaskCancelledError);
  await pool.onIdle();
  assert.deepEqual(ends, ['break', 'cancel', 'signal']);
  const stats = pool.stats();
  assert.equal(stats.cancelled, 3);
  assert.equal(stats.completed + stats.failed + stats.timedOut, 0);
  assert.equal(await pool.run(() => 'free'), 'free');
  await pool.close();
});

test('gapTimeout (ManualClock) ends a stream whose next value is late; timeout bounds the whole', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 2, clock });
  let finished = 0;
  const slow = async function* ({ signal }: TaskContext) {
    try {
      yield 1;
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    } finally {
      finished++;
    }
  };
  const gap = pool.stream(slow, { gapTimeout: 50 });
  assert.deepEqual(await gap.next(), { done: false, value: 1 });
  clock.advance(49);
  await flush();
  clock.advance(1);
  await assert.rejects(gap.next(), (e) => e instanceof TaskTimeoutError && e.phase === 'gap');
  const whole = pool.stream(slow, { timeout: 80 });
  assert.deepEqual(await whole.next(), { done: false, value: 1 });
  clock.advance(80);
  await assert.rejects(whole.next(), (e) => e instanceof TaskTimeoutError && e.phase === 'run');
  await pool.onIdle();
  assert.equal(finished, 2);
  assert.equal(pool.stats().timedOut, 2);
  await pool.close();
});

test('the gap timer is paused while the caller holds off (ManualClock)', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, clock });
  const s = pool.stream(
    async function* () {
      for (let i = 0; ; i++) yield i;
    },
    { window: 2, gapTimeout: 10 },
  );
  await turns(10); // the window fills; the generator waits for credit
  clock.advance(1000);
  for (let i = 0; i < 5; i++) assert.deepEqual(await s.next(), { done: false, value: i });
  await s.return();
  await pool.onIdle();
  assert.equal(pool.stats().timedOut, 0);
  await pool.close();
});

test('a stream holds one slot until it ends; a throwing generator fails once after its values', async () => {
  const pool = new Pool({ concurrency: 1 });
  const g = gate();
  const s = pool.stream(async function* () {
    yield 'a';
    await g.wait;
    yield 'b';
    throw new Error('broke');
  });
  assert.deepEqual(await s.next(), { done: false, value: 'a' });
  let ran = false;
  const next = pool.run(() => {
    ran = true;
  });
  await flush();
  assert.equal(ran, false, 'the other task waits for the slot');
  g.open();
  assert.deepEqual(await s.next(), { done: false, value: 'b' });
  await assert.rejects(s.next(), /broke/);
  assert.deepEqual(await s.next(), { done: true, value: undefined });
  await next;
  assert.equal(ran, true);
  assert.equal(pool.stats().failed, 1);
  await pool.close();
});

test('pool.stream checks its input', async () => {
  const pool = new Pool();
  assert.throws(() => pool.stream(42 as never), TypeError);
  assert.throws(() => pool.stream(async function* () {}, { window: 1.5 }), RangeError);
  assert.throws(() => pool.stream(async function* () {}, { retries: 1 }), TypeError);
  await assert.rejects(pool.stream((() => 7) as never).next(), TypeError);
  await pool.close();
  await assert.rejects(pool.stream(async function* () {}).next(), /closed/i);
});
