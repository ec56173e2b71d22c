/**
 * The watchdog's rule (pure) and its schedule on a ManualClock with a fake host: no Redis,
 * no timing. The real wedge, through a proxy that freezes a worker's sockets, is in
 * wedge.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STRIKES, Watchdog, watch } from '../../src/distributed/watchdog.js';
import { ManualClock } from '../../src/index.js';
import { flush } from '../helpers.js';

describe('watch (pure)', () => {
  const start = { strikes: 0, starts: 0 };

  it('jobs wait, a slot is free, nothing started: a strike; two in a row recover', () => {
    const one = watch(start, { waiting: 3, starts: 0, free: true });
    assert.deepEqual(one, { state: { strikes: 1, starts: 0 }, recover: false });
    const two = watch(one.state, { waiting: 3, starts: 0, free: true });
    assert.equal(STRIKES, 2);
    assert.deepEqual(two, { state: { strikes: 0, starts: 0 }, recover: true });
  });

  it('no answer from Redis counts as jobs waiting', () => {
    const one = watch(start, { waiting: undefined, starts: 0, free: true });
    assert.equal(watch(one.state, { waiting: undefined, starts: 0, free: true }).recover, true);
  });

  it('a start, an empty queue or a full host clears the strikes', () => {
    const one = watch(start, { waiting: 3, starts: 0, free: true }).state;
    assert.deepEqual(watch(one, { waiting: 3, starts: 1, free: true }).state, {
      strikes: 0,
      starts: 1,
    });
    assert.equal(watch(one, { waiting: 0, starts: 0, free: true }).state.strikes, 0);
    assert.equal(watch(one, { waiting: 3, starts: 0, free: false }).state.strikes, 0);
  });
});

describe('Watchdog on a ManualClock', () => {
  function setup(answer: () => Promise<number>) {
    const clock = new ManualClock();
    const host = { starts: 0, free: true, recoveries: 0, asks: 0 };
    const dog = new Watchdog(
      {
        waiting: () => {
          host.asks++;
          return answer();
        },
        starts: () => host.starts,
        free: () => host.free,
        recover: () => {
          host.recoveries++;
        },
      },
      clock,
      1000,
    );
    return { clock, host, dog };
  }

  it('recovers at the third check when Redis never answers (ask, strike, strike)', async () => {
    const { clock, host, dog } = setup(() => new Promise<number>(() => {}));
    clock.advance(1000);
    clock.advance(1000);
    assert.equal(host.recoveries, 0);
    clock.advance(1000);
    assert.equal(host.recoveries, 1);
    assert.equal(host.asks, 2); // the first ask, and one on the new connections
    dog.stop();
    assert.equal(clock.pending, 0);
  });

  it('a host that keeps starting jobs is never taken for wedged', async () => {
    const { clock, host, dog } = setup(() => Promise.resolve(5));
    for (let i = 0; i < 10; i++) {
      host.starts++;
      clock.advance(1000);
      await flush();
    }
    assert.equal(host.recoveries, 0);
    dog.stop();
  });

  it('jobs wait and none starts: recovers, then judges the new connections afresh', async () => {
    const { clock, host, dog } = setup(() => Promise.resolve(5));
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      await flush();
    }
    assert.equal(host.recoveries, 1);
    clock.advance(1000); // first check after the recovery: asks only
    await flush();
    clock.advance(1000);
    await flush();
    assert.equal(host.recoveries, 1);
    clock.advance(1000);
    assert.equal(host.recoveries, 2);
    dog.stop();
  });

  it('Infinity turns it off', () => {
    const clock = new ManualClock();
    const dog = new Watchdog(
      { waiting: () => Promise.resolve(1), starts: () => 0, free: () => true, recover: () => {} },
      clock,
      Number.POSITIVE_INFINITY,
    );
    assert.equal(clock.pending, 0);
    dog.stop();
  });
});
