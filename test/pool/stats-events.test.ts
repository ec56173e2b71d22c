import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, Pool, TaskTimeoutError } from '../../src/index.js';
import { flush, gate } from '../helpers.js';

test('stats() counts outcomes and reports wait/run percentiles from the clock', async () => {
  const clock = new ManualClock();
  const pool = new Pool({ concurrency: 1, clock });
  const g = gate();
  const first = pool.run(() => g.wait);
  const second = pool.run(() => 'x');
  const third = pool.run(() => {
    throw new Error('no');
  }, {});
  const fourth = pool.run(() => new Promise(() => {}), { timeout: 5 });
  await flush();
  let s = pool.stats();
  assert.equal(s.running, 1);
  assert.equal(s.queued, 3);
  assert.equal(s.workers, 1);
  assert.equal(s.utilization, 1);
  clock.advance(40);
  g.open();
  await first;
  await second;
  await assert.rejects(third);
  clock.advance(5);
  await assert.rejects(fourth, TaskTimeoutError);
  s = pool.stats();
  assert.equal(s.submitted, 4);
  assert.equal(s.completed, 2);
  assert.equal(s.failed, 1);
  assert.equal(s.timedOut, 1);
  assert.equal(s.waitTime.count, 4);
  assert.ok(Math.abs(s.waitTime.max - 40) < 0.5, `wait max ${s.waitTime.max}`);
  assert.ok(Math.abs(s.runTime.max - 40) < 0.5, `run max ${s.runTime.max}`);
  assert.equal(s.runTime.count, 3, 'the timed-out function is still running');
});

test('events: start, end, error, idle', async () => {
  const pool = new Pool({ concurrency: 1 });
  const log: string[] = [];
  pool.on('start', ({ id, attempt }) => log.push(`start ${id}/${attempt}`));
  pool.on('end', ({ id, outcome }) => log.push(`end ${id} ${outcome}`));
  pool.on('idle', () => log.push('idle'));
  pool.on('error', ({ id, outcome, error }) =>
    log.push(`error ${id} ${outcome} ${(error as Error).message}`),
  );
  await pool.run(() => 1);
  await assert.rejects(
    pool.run(() => {
      throw new Error('x');
    }),
  );
  assert.deepEqual(log, [
    'start 1/1',
    'end 1 completed',
    'idle',
    'start 2/1',
    'end 2 failed',
    'error 2 failed x',
    'idle',
  ]);
  await pool.close();
});

test('metrics: false keeps counters and skips histograms', async () => {
  const pool = new Pool({ concurrency: 1, metrics: false });
  await pool.run(() => 1);
  const s = pool.stats();
  assert.equal(s.completed, 1);
  assert.equal(s.runTime.count, 0);
  await pool.close();
});

test('per-name stats, including names that are Object.prototype members', async () => {
  const pool = new Pool({ concurrency: 1 });
  await pool.run(() => 1, { name: 'square' });
  await pool.run(() => 1, { name: '__proto__' });
  await pool.run(() => 1, { name: 'constructor' });
  const { byName } = pool.stats();
  assert.deepEqual(Object.keys(byName).sort(), ['__proto__', 'constructor', 'square']);
  assert.equal(byName.square?.completed, 1);
  assert.equal(Object.getOwnPropertyDescriptor(byName, '__proto__')?.value.completed, 1);
  assert.equal(Object.getOwnPropertyDescriptor(byName, 'constructor')?.value.runTime.count, 1);
  await pool.close();
});
