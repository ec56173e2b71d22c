import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskCancelledError } from '../../src/errors.js';
import { WaitGroup } from '../../src/sync/wait-group.js';
import { flush, gate } from '../helpers.js';
import { track } from './track.js';

test('wait resolves at once on a zero group', async () => {
  const wg = new WaitGroup();
  assert.equal(wg.count, 0);
  await wg.wait();
});

test('wait resolves only when every add is matched by done', async () => {
  const wg = new WaitGroup();
  const gates = [gate(), gate(), gate()];
  for (const g of gates) {
    wg.add();
    void g.wait.then(() => wg.done());
  }
  const waiting = [track(wg.wait()), track(wg.wait())];
  gates[0]?.open();
  gates[1]?.open();
  await flush();
  assert.equal(wg.count, 1);
  assert.ok(waiting.every((w) => !w.settled));
  gates[2]?.open();
  await Promise.all(waiting.map((w) => w.promise));
  assert.equal(wg.count, 0);
});

test('add(n) and negative deltas; going below zero throws and changes nothing', () => {
  const wg = new WaitGroup();
  wg.add(3);
  wg.add(-2);
  assert.equal(wg.count, 1);
  assert.throws(() => wg.add(-2), {
    name: 'RangeError',
    message: /sync: negative WaitGroup counter/,
  });
  assert.equal(wg.count, 1);
  wg.done();
  assert.throws(() => wg.done(), RangeError);
  assert.equal(wg.count, 0);
  assert.throws(() => wg.add(1.5), RangeError);
  assert.throws(() => wg.add('1' as unknown as number), TypeError);
});

test('the group is reusable after reaching zero', async () => {
  const wg = new WaitGroup();
  wg.add();
  wg.done();
  wg.add();
  const w = track(wg.wait());
  await flush();
  assert.equal(w.settled, false);
  wg.done();
  await w.promise;
});

test('an aborted wait rejects and leaves the group waiting for the rest', async () => {
  const wg = new WaitGroup();
  wg.add();
  const ac = new AbortController();
  const aborted = wg.wait({ signal: ac.signal });
  const other = wg.wait();
  ac.abort('stop');
  await assert.rejects(
    aborted,
    (e: unknown) => e instanceof TaskCancelledError && e.cause === 'stop',
  );
  wg.done();
  await other;
});
