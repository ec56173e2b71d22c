import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskCancelledError } from '../../src/errors.js';
import { ErrGroup } from '../../src/sync/err-group.js';
import { flush, gate } from '../helpers.js';
import { track } from './track.js';

test('wait resolves once every function has finished', async () => {
  const group = new ErrGroup();
  const gates = [gate(), gate()];
  const done: number[] = [];
  gates.forEach((g, i) => {
    void group.go(async () => {
      await g.wait;
      done.push(i);
    });
  });
  const waited = track(group.wait());
  gates[1]?.open();
  await flush();
  assert.equal(waited.settled, false);
  gates[0]?.open();
  await waited.promise;
  assert.deepEqual(done, [1, 0]);
  assert.equal(group.signal.aborted, true, 'the signal aborts once wait returns (Go)');
  assert.ok(group.signal.reason instanceof TaskCancelledError);
});

test('the first error wins; siblings see the signal aborted with it', async () => {
  const group = new ErrGroup();
  const first = new Error('first');
  const sibling = gate();
  const seen: unknown[] = [];
  void group.go(async (signal) => {
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    seen.push(signal.reason);
    throw new Error('second');
  });
  void group.go(async () => {
    await sibling.wait;
    throw first;
  });
  sibling.open();
  await assert.rejects(group.wait(), (e: unknown) => e === first);
  assert.deepEqual(seen, [first]);
  assert.equal(group.signal.reason, first);
});

test('a synchronous throw is an error too, and go() never rejects', async () => {
  const group = new ErrGroup();
  const started = group.go(() => {
    throw new Error('sync');
  });
  await started;
  await assert.rejects(group.wait(), /sync/);
});

test('limit: never more running than the limit; go() resolves when started', async () => {
  const limit = 3;
  const group = new ErrGroup({ limit });
  let running = 0;
  let max = 0;
  const gates = Array.from({ length: 10 }, () => gate());
  const started = gates.map((g) =>
    track(
      group.go(async () => {
        running++;
        max = Math.max(max, running);
        await g.wait;
        running--;
      }),
    ),
  );
  await flush();
  assert.deepEqual(
    started.map((s) => s.settled),
    [true, true, true, false, false, false, false, false, false, false],
  );
  assert.equal(group.running, 3);
  assert.equal(group.pending, 7);
  for (const g of gates) {
    g.open();
    await flush();
    assert.ok(running <= limit);
  }
  await group.wait();
  assert.equal(max, limit);
});

test('tryGo starts only under the limit', async () => {
  const group = new ErrGroup({ limit: 1 });
  const g = gate();
  assert.equal(
    group.tryGo(() => g.wait),
    true,
  );
  assert.equal(
    group.tryGo(() => undefined),
    false,
  );
  g.open();
  await group.wait();
  assert.equal(
    group.tryGo(() => undefined),
    true,
  );
  await group.wait();
});

test('limit is validated', () => {
  assert.throws(() => new ErrGroup({ limit: 0 }), {
    name: 'RangeError',
    message: 'Expected `limit` to be an integer from 1 and up (or Infinity), got `0` (number)',
  });
  assert.throws(() => new ErrGroup({ limit: 1.5 }), RangeError);
  assert.throws(() => new ErrGroup({ limit: '2' as unknown as number }), TypeError);
  assert.equal(new ErrGroup({ limit: Number.POSITIVE_INFINITY }).limit, Number.POSITIVE_INFINITY);
});

test('a parent abort aborts the group signal with its reason', async () => {
  const parent = new AbortController();
  const group = new ErrGroup({ signal: parent.signal });
  const reasons: unknown[] = [];
  void group.go(
    (signal) =>
      new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => {
          reasons.push(signal.reason);
          resolve();
        }),
      ),
  );
  parent.abort('parent');
  await group.wait();
  assert.deepEqual(reasons, ['parent']);
  assert.equal(new ErrGroup({ signal: AbortSignal.abort('x') }).signal.reason, 'x');
});

test('go() after a failure still runs, with the signal already aborted', async () => {
  const group = new ErrGroup();
  void group.go(() => Promise.reject(new Error('boom')));
  await assert.rejects(group.wait(), /boom/);
  let sawAborted = false;
  await group.go((signal) => {
    sawAborted = signal.aborted;
  });
  assert.equal(sawAborted, true);
  await assert.rejects(group.wait(), /boom/, 'the first error stays');
});

test('the run hook executes each function with the group signal', async () => {
  const calls: AbortSignal[] = [];
  const group = new ErrGroup({
    run: async (fn, signal) => {
      calls.push(signal);
      return fn(signal);
    },
  });
  let result = 0;
  void group.go(() => {
    result = 42;
  });
  await group.wait();
  assert.equal(result, 42);
  assert.equal(calls[0], group.signal);
});

test('a failure nobody waits for is not an unhandled rejection', async () => {
  const group = new ErrGroup();
  void group.go(() => Promise.reject(new Error('ignored')));
  void group.go(() => {
    throw new Error('ignored too');
  });
  await flush();
  await flush();
  // node:test fails the file on an unhandledRejection; reaching here is the assertion.
  assert.equal(group.signal.aborted, true);
});
