// The scheduler's one owner of timers (src/scheduler/timers.ts), on a ManualClock: each
// timer fires its own hook at its time, a record holds one timer at a time, and `clear`
// leaves nothing pending.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/scheduler/clock.js';
import { normalizeTaskOptions } from '../../src/scheduler/options.js';
import { TaskRecord } from '../../src/scheduler/task.js';
import { Timers } from '../../src/scheduler/timers.js';

function setup() {
  const clock = new ManualClock();
  const fired: string[] = [];
  const timers = new Timers<string>(clock, {
    queueTimedOut: (r, ms) => fired.push(`queue ${r.payload} ${ms} at ${clock.now()}`),
    runTimedOut: (r, ms) => fired.push(`run ${r.payload} ${ms} at ${clock.now()}`),
    retryDue: (r) => fired.push(`retry ${r.payload} at ${clock.now()}`),
  });
  return { clock, fired, timers };
}

let nextId = 1;
function record(payload: string, options: Parameters<typeof normalizeTaskOptions>[0] = {}) {
  return new TaskRecord(nextId++, payload, normalizeTaskOptions(options), () => {}, false);
}

test('each timer fires its own hook once, at its time, and forgets itself first', () => {
  const { clock, fired, timers } = setup();
  const a = record('a', { queueTimeout: 10 });
  const b = record('b', { timeout: 20 });
  const c = record('c');
  timers.queue(a);
  timers.run(b);
  timers.retry(c, 5);
  assert.equal(clock.pending, 3);
  clock.advance(9);
  assert.deepEqual(fired, ['retry c at 5']);
  assert.equal(c.extra?.timer, undefined);
  clock.advance(100);
  assert.deepEqual(fired, ['retry c at 5', 'queue a 10 at 10', 'run b 20 at 20']);
  assert.equal(clock.pending, 0);
  assert.equal(a.extra?.timer, undefined);
  assert.equal(b.extra?.timer, undefined);
});

test('an infinite timeout arms nothing and allocates nothing', () => {
  const { clock, timers } = setup();
  const r = record('r');
  timers.queue(r);
  timers.run(r);
  assert.equal(clock.pending, 0);
  assert.equal(r.extra, undefined);
});

test('a record holds one timer: arming the next clears the one before', () => {
  const { clock, fired, timers } = setup();
  const r = record('r', { queueTimeout: 10, timeout: 30 });
  timers.queue(r);
  clock.advance(5);
  timers.run(r); // began: the queue timeout must not fire any more
  assert.equal(clock.pending, 1);
  clock.advance(20);
  assert.deepEqual(fired, []);
  timers.retry(r, 1);
  assert.equal(clock.pending, 1);
  clock.advance(100);
  assert.deepEqual(fired, ['retry r at 26']);
});

test('clear stops whichever timer the record has, and is harmless without one', () => {
  const { clock, fired, timers } = setup();
  const r = record('r', { timeout: 10 });
  timers.clear(r);
  timers.run(r);
  timers.clear(r);
  timers.clear(r);
  assert.equal(clock.pending, 0);
  clock.advance(100);
  assert.deepEqual(fired, []);
});

test('a hook may arm the record again (the retry queues it, with a new queue timeout)', () => {
  const clock = new ManualClock();
  const fired: number[] = [];
  const timers: Timers<string> = new Timers<string>(clock, {
    queueTimedOut: () => fired.push(clock.now()),
    runTimedOut: () => {},
    retryDue: (r) => timers.queue(r),
  });
  const r = record('r', { queueTimeout: 7 });
  timers.retry(r, 3);
  clock.advance(100);
  assert.deepEqual(fired, [10]);
  assert.equal(clock.pending, 0);
});
