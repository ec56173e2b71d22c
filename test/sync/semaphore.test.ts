import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskCancelledError } from '../../src/errors.js';
import { Semaphore } from '../../src/sync/semaphore.js';
import { flush } from '../helpers.js';
import { track } from './track.js';

test('size and n are validated', async () => {
  assert.throws(() => new Semaphore(0), RangeError);
  assert.throws(() => new Semaphore(1.5), RangeError);
  assert.throws(() => new Semaphore('2' as unknown as number), TypeError);
  const sem = new Semaphore(2);
  await assert.rejects(sem.acquire(3), RangeError, 'more than size fails fast');
  assert.throws(() => sem.tryAcquire(3), RangeError);
  await assert.rejects(sem.acquire(0), RangeError);
  assert.equal(sem.available, 2);
});

test('acquire waits until enough tokens are released', async () => {
  const sem = new Semaphore(3);
  await sem.acquire(2);
  assert.equal(sem.available, 1);
  assert.equal(sem.tryAcquire(2), false);
  const waiting = track(sem.acquire(2));
  await flush();
  assert.equal(waiting.settled, false);
  sem.release(1);
  await waiting.promise;
  assert.equal(sem.available, 0);
});

test('FIFO: a large request at the head blocks smaller later ones (no starvation)', async () => {
  const sem = new Semaphore(4);
  await sem.acquire(3);
  const order: string[] = [];
  const large = sem.acquire(4).then(() => order.push('large'));
  const small = sem.acquire(1).then(() => order.push('small'));
  await flush();
  assert.deepEqual(order, [], 'small would fit but waits behind large');
  assert.equal(sem.tryAcquire(1), false, 'tryAcquire does not jump the queue either');
  sem.release(3);
  await large;
  assert.deepEqual(order, ['large']);
  sem.release(4);
  await small;
  assert.deepEqual(order, ['large', 'small']);
});

test('an aborted acquire at the head takes nothing and wakes the waiters behind it', async () => {
  const sem = new Semaphore(4);
  await sem.acquire(2);
  const ac = new AbortController();
  const head = sem.acquire(4, { signal: ac.signal });
  const behind = track(sem.acquire(2));
  await flush();
  assert.equal(behind.settled, false);
  ac.abort('nope');
  await assert.rejects(head, (e: unknown) => e instanceof TaskCancelledError && e.cause === 'nope');
  await behind.promise;
  assert.equal(sem.available, 0);
  assert.equal(sem.waiting, 0);
});

test('an already-aborted signal rejects even when tokens are free', async () => {
  const sem = new Semaphore(1);
  await assert.rejects(sem.acquire(1, { signal: AbortSignal.abort() }), TaskCancelledError);
  assert.equal(sem.available, 1);
});

test('releasing more than held throws and changes nothing', async () => {
  const sem = new Semaphore(3);
  assert.throws(() => sem.release(), RangeError);
  await sem.acquire(2);
  assert.throws(() => sem.release(3), { name: 'RangeError', message: /released more than held/ });
  assert.equal(sem.available, 1);
  sem.release(2);
  assert.equal(sem.available, 3);
});
