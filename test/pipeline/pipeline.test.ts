// pipeline(): every kind of source, map/filter/flatMap, order, and the stream ends.
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline as streamPipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { Channel, filter, flatMap, map, Pool, pipeline } from '../../src/index.js';
import { gate } from '../helpers.js';
import { collect } from './helpers.js';

async function* strings(x: number): AsyncGenerator<string> {
  yield `${x}`;
}

describe('pipeline', () => {
  it('chains plain functions, sync and async, in order', async () => {
    const out = pipeline(
      [1, 2, 3, 4],
      (x) => x * 10,
      async (x) => `${x}!`,
    );
    assert.deepEqual(await collect(out), ['10!', '20!', '30!', '40!']);
    await out.done;
  });

  it('takes arrays, sync and async iterables, Channels and object-mode Readables', async () => {
    const double = (x: number) => x * 2;
    assert.deepEqual(await collect(pipeline(new Set([1, 2]), double)), [2, 4]);
    async function* gen() {
      yield 3;
      yield 4;
    }
    assert.deepEqual(await collect(pipeline(gen(), double)), [6, 8]);
    const ch = new Channel<number>(1);
    void (async () => {
      for (const x of [5, 6, 7]) await ch.send(x);
      ch.close();
    })();
    assert.deepEqual(await collect(pipeline(ch, double)), [10, 12, 14]);
    assert.deepEqual(await collect(pipeline(Readable.from([8, 9]), double)), [16, 18]);
    assert.deepEqual(await collect(pipeline([1, 2])), [1, 2], 'no stage: the source itself');
  });

  it('filter drops, flatMap spreads (sync and async iterables), map passes on', async () => {
    const out = pipeline(
      [1, 2, 3, 4, 5],
      filter((x) => x % 2 === 1),
      flatMap((x) => [x, -x]),
      flatMap(strings),
      map((s) => s.length),
    );
    assert.deepEqual(await collect(out), [1, 2, 1, 2, 1, 2]);
  });

  it('ctx has the item index and the pipeline signal', async () => {
    const seen: [number, boolean][] = [];
    await collect(
      pipeline(
        ['a', 'b', 'c'],
        filter((s) => s !== 'b'),
        (s, { index, signal }) => {
          seen.push([index, signal.aborted]);
          return s;
        },
      ),
    );
    assert.deepEqual(seen, [
      [0, false],
      [1, false],
    ]);
  });

  it('ordered (the default) keeps input order when later items finish first', async () => {
    const gates = [gate(), gate(), gate()];
    const out = pipeline(
      [0, 1, 2],
      map(
        async (i) => {
          await gates[i]?.wait;
          return i;
        },
        { concurrency: 3 },
      ),
    );
    const result = collect(out);
    gates[2]?.open();
    gates[1]?.open();
    gates[0]?.open();
    assert.deepEqual(await result, [0, 1, 2]);
  });

  it('unordered passes items on as they finish', async () => {
    const gates = [gate(), gate(), gate()];
    const finished: number[] = [];
    const out = pipeline(
      [0, 1, 2],
      map(
        async (i) => {
          await gates[i]?.wait;
          finished.push(i);
          return i;
        },
        { concurrency: 3, ordered: false },
      ),
    );
    const result = collect(out);
    for (const i of [2, 0, 1]) {
      gates[i]?.open();
      while (!finished.includes(i)) await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(await result, [2, 0, 1]);
  });

  it('runs a stage on a Pool with the pool slot limit, passing task options', async () => {
    const pool = new Pool({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    const out = pipeline(
      Array.from({ length: 10 }, (_, i) => i),
      {
        pool,
        fn: async (x: number, { attempt }) => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setImmediate(r));
          running--;
          if (x === 3 && attempt === 1) throw new Error('flaky');
          return x;
        },
        concurrency: 4,
        retries: 1,
      },
    );
    assert.deepEqual(await collect(out), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(peak, 2, 'the pool, not the stage, bounds what runs');
    assert.equal(pool.stats().retried, 1);
    await pool.close();
  });

  it('toStream() is an object-mode Readable that stream.pipeline drives', async () => {
    const got: string[] = [];
    await streamPipeline(
      pipeline([1, 2, 3], (x) => `#${x}`).toStream(),
      new Writable({
        objectMode: true,
        write(chunk: string, _encoding, done) {
          got.push(chunk);
          done();
        },
      }),
    );
    assert.deepEqual(got, ['#1', '#2', '#3']);
  });

  it('a pipeline is a source for another', async () => {
    const inner = pipeline([1, 2], (x) => x + 1);
    assert.deepEqual(await collect(pipeline(inner, (x) => x * 3)), [6, 9]);
  });
});
