// Errgroup semantics: the first error stops every stage and closes the source; a signal or
// the consumer does the same without an error; dead letters let the others through.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  type DeadLetter,
  ManualClock,
  map,
  Pool,
  pipeline,
  TaskCancelledError,
  TaskTimeoutError,
  ThreadPool,
} from '../../src/index.js';
import { gate, outcome } from '../helpers.js';
import { fixture } from '../thread/helpers.js';
import { collect, counting, settle } from './helpers.js';

describe('pipeline errors', () => {
  it('the first error rejects the output, closes the source and aborts running tasks', async () => {
    const src = counting();
    const pool = new Pool({ concurrency: 2 });
    const started = gate();
    let abortedTask = false;
    const out = pipeline(
      src.source,
      {
        pool,
        fn: (x: number, { signal }) => {
          if (x !== 0) return x;
          // Item 0 runs until the pipeline fails.
          started.open();
          return new Promise<number>((resolve) => {
            signal.addEventListener('abort', () => {
              abortedTask = true;
              resolve(-1);
            });
          });
        },
        concurrency: 2,
        ordered: false,
      },
      (x) => {
        if (x === 5) throw new Error('boom');
        return x;
      },
    );
    await started.wait;
    const r = await outcome(collect(out));
    assert.equal(r.ok, false);
    assert.equal((r as { error: Error }).error.message, 'boom');
    const done = await outcome(out.done);
    assert.equal((done as { error: Error }).error.message, 'boom', 'done: the same first error');
    assert.equal(src.closed, true, "the source's return() ran");
    assert.equal(abortedTask, true, "the running task's signal aborted");
    assert.equal(pool.stats().running, 0);
    await pool.close();
  });

  it('a throwing source fails the pipeline', async () => {
    async function* bad() {
      yield 1;
      throw new Error('source broke');
    }
    const r = await outcome(collect(pipeline(bad(), (x) => x)));
    assert.equal((r as { error: Error }).error.message, 'source broke');
  });

  it('the signal cancels every stage: TaskCancelledError with the reason as cause', async () => {
    const src = counting();
    const controller = new AbortController();
    const blocked = gate();
    const out = pipeline(
      src.source,
      async (x) => {
        if (x === 0) blocked.open();
        return x;
      },
      { signal: controller.signal, buffer: 1 },
    );
    await blocked.wait;
    controller.abort('enough');
    const r = await outcome(collect(out));
    assert.ok((r as { error: unknown }).error instanceof TaskCancelledError);
    assert.equal((r as { error: Error }).error.cause as unknown, 'enough');
    await assert.rejects(out.done, TaskCancelledError);
    assert.equal(src.closed, true);
  });

  it('an already-aborted signal cancels before anything is pulled', async () => {
    const src = counting();
    const out = pipeline(src.source, (x) => x, { signal: AbortSignal.abort('no') });
    await assert.rejects(collect(out), TaskCancelledError);
    assert.equal(src.pulled, 0);
  });

  it('break in for-await stops the pipeline without an error and closes the source', async () => {
    const src = counting();
    const out = pipeline(src.source, (x) => x + 1);
    const got: number[] = [];
    for await (const x of out) {
      got.push(x);
      if (got.length === 3) break;
    }
    await out.done;
    assert.deepEqual(got, [1, 2, 3]);
    assert.equal(src.closed, true);
  });

  it('destroying a Readable source mid-read: a pending read ends when the pipeline fails', async () => {
    const readable = new Readable({ objectMode: true, read() {} });
    readable.push(1);
    const out = pipeline(readable, (x: number) => {
      throw new Error(`bad ${x}`);
    });
    await assert.rejects(collect(out), /bad 1/);
    await assert.rejects(out.done, /bad 1/);
    assert.equal(readable.destroyed, true);
  });

  it("onError: 'dead-letter' sends failures to the callback and goes on", async () => {
    const letters: DeadLetter[] = [];
    const out = pipeline(
      [1, 2, 3, 4],
      (x) => x * 10,
      map(
        (x) => {
          if (x === 20 || x === 40) throw new RangeError(`no ${x}`);
          return x;
        },
        { name: 'picky' },
      ),
      { onError: 'dead-letter', deadLetter: (d) => void letters.push(d) },
    );
    assert.deepEqual(await collect(out), [10, 30]);
    assert.deepEqual(
      letters.map((d) => [d.item, d.stage, d.index, d.name, (d.error as Error).message]),
      [
        [20, 1, 1, 'picky', 'no 20'],
        [40, 1, 3, 'picky', 'no 40'],
      ],
    );
  });

  it('dead letters without a callback come out of `deadLetters`, read alongside', async () => {
    const out = pipeline(
      Array.from({ length: 40 }, (_, i) => i),
      map(
        async (x) => {
          if (x % 2 === 0) throw new Error('even');
          return x;
        },
        { onError: 'dead-letter' },
      ),
      { buffer: 2 },
    );
    const [items, dead] = await Promise.all([collect(out), collect(out.deadLetters)]);
    assert.equal(items.length, 20);
    assert.deepEqual(
      dead.map((d) => d.item),
      Array.from({ length: 20 }, (_, i) => i * 2),
    );
  });

  it('a per-stage policy overrides the pipeline; a task timeout becomes a dead letter', async () => {
    const clock = new ManualClock();
    const pool = new Pool({ concurrency: 1, clock });
    const letters: DeadLetter[] = [];
    const out = pipeline(
      [0, 1],
      {
        pool,
        fn: (x: number, { signal }) =>
          x === 0
            ? new Promise<number>((resolve) => signal.addEventListener('abort', () => resolve(0)))
            : x,
        timeout: 10,
        onError: 'dead-letter',
      },
      (x) => x * 100,
      { deadLetter: (d) => void letters.push(d) },
    );
    const got = collect(out);
    await settle();
    assert.equal(letters.length, 0);
    clock.advance(10);
    assert.deepEqual(await got, [100]);
    assert.equal(letters.length, 1);
    assert.ok(letters[0]?.error instanceof TaskTimeoutError);
    assert.deepEqual([letters[0]?.item, letters[0]?.stage, letters[0]?.index], [0, 0, 0]);
    await pool.close();
  });

  it("stopping the consumer cancels a thread stage's queued and running tasks", async () => {
    const threads = new ThreadPool<typeof import('../fixtures/echo.js')>({
      module: fixture('echo.ts'),
      maxThreads: 1,
    });
    const out = pipeline(
      [undefined, undefined],
      { pool: threads, handler: 'untilAborted', concurrency: 2 },
      (x) => x,
    );
    // Nothing finishes on its own: the consumer stops the pipeline.
    const it = out[Symbol.asyncIterator]();
    await settle();
    assert.equal(threads.stats().running + threads.stats().queued, 2);
    await it.return();
    await out.done;
    await threads.onIdle();
    assert.equal(threads.stats().running, 0);
    assert.equal(threads.stats().cancelled, 2, 'the running task and the queued one');
    await threads.close();
  });
});
