import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloseTracker } from '../../src/scheduler/shutdown.js';
import { flush } from '../helpers.js';

test('settled waits for the waiting work and unsettled active records, woken by check', async () => {
  const waiting = { size: 1, delayed: 0 };
  const active = [{ settled: false }];
  const tracker = new CloseTracker(waiting, active);
  let done = false;
  const settled = tracker.settled().then(() => {
    done = true;
  });
  waiting.size = 0;
  tracker.check();
  await flush();
  assert.equal(done, false, 'an active record has not settled');
  active[0] = { settled: true };
  tracker.check();
  await settled;
  assert.equal(done, true);
  assert.equal(tracker.drained, true);
});

test('watch holds close until the caller promise rejects, set later in the same turn', async () => {
  const tracker = new CloseTracker({ size: 0, delayed: 0 }, []);
  const task: { promise: Promise<unknown> | undefined } = { promise: undefined };
  tracker.watch(task);
  let reject: (error: unknown) => void = () => {};
  task.promise = new Promise((_, r) => {
    reject = r;
  });
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(tracker.drained, false);
  const settled = tracker.settled();
  reject(new Error('failed'));
  await settled; // the rejection was handled: no unhandled rejection fails this test
  assert.equal(tracker.drained, true);
});
