// batch({ size, time }): n items or t ms since the batch's first item, whichever comes first,
// with a ManualClock: no waiting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batch, Channel, ManualClock, pipeline } from '../../src/index.js';
import { collect, settle } from './helpers.js';

describe('batch', () => {
  it('groups by size; the last batch may be short', async () => {
    assert.deepEqual(await collect(pipeline([1, 2, 3, 4, 5], batch({ size: 2 }))), [
      [1, 2],
      [3, 4],
      [5],
    ]);
  });

  it('passes on a partial batch `time` ms after its first item', async () => {
    const clock = new ManualClock();
    const source = new Channel<number>();
    const out = pipeline(source, batch({ size: 3, time: 100, clock }))[Symbol.asyncIterator]();
    const first = out.next();
    await source.send(1);
    await settle();
    clock.advance(60);
    await source.send(2);
    await settle();
    clock.advance(39);
    await settle();
    assert.equal(clock.pending, 1, 'not yet: 99 ms after the first item');
    clock.advance(1);
    assert.deepEqual((await first).value, [1, 2]);
    // A full batch goes at once, and clears its timer.
    const second = out.next();
    for (const x of [3, 4, 5]) await source.send(x);
    assert.deepEqual((await second).value, [3, 4, 5]);
    await settle();
    assert.equal(clock.pending, 0);
    source.close();
    assert.equal((await out.next()).done, true);
  });

  it('checks its options', () => {
    assert.throws(() => batch({ size: 0 }), RangeError);
    assert.throws(() => batch({ size: 'x' as unknown as number }), TypeError);
    assert.throws(() => batch({ size: Number.POSITIVE_INFINITY }), /size. or .time/);
    assert.throws(() => batch({ size: 2, time: -1 }), /`time`/);
    assert.throws(() => batch({ size: 2, clock: {} as ManualClock }), /`clock.now`/);
  });
});
