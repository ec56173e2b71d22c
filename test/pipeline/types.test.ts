// Type tests: `npm run typecheck` checks the @ts-expect-error lines and the Equal checks;
// running it checks the pipeline the types describe.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  batch,
  fanOut,
  filter,
  flatMap,
  map,
  merge,
  type Pipeline,
  type Pool,
  pipeline,
  type StageInputMismatch,
  ThreadPool,
} from '../../src/index.js';
import { fixture } from '../thread/helpers.js';
import { collect } from './helpers.js';

type Echo = typeof import('../fixtures/echo.js');
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(_: T): void {}
type ItemOf<P> = P extends Pipeline<infer T> ? T : never;

async function* words(s: string): AsyncGenerator<string> {
  yield* s.split(' ');
}

function checks(threads: ThreadPool<Echo>, pool: Pool): void {
  // Plain functions, sync and async: the awaited result flows on.
  const a = pipeline(
    [1, 2],
    (x) => x * 2,
    async (x) => `${x}`,
  );
  expectType<Equal<ItemOf<typeof a>, string>>(true);
  // Helpers take their input type from the stage before.
  const b = pipeline(
    [1, 2],
    map((x) => String(x)),
    filter((s) => s.length > 0),
    flatMap(words),
    map((s) => s.length),
    batch({ size: 2 }),
  );
  expectType<Equal<ItemOf<typeof b>, number[]>>(true);
  // A type guard narrows.
  const c = pipeline(
    [1, 'x'] as (number | string)[],
    filter((v): v is string => typeof v === 'string'),
  );
  expectType<Equal<ItemOf<typeof c>, string>>(true);
  // Thread stages are typed from the pool's task module; pool stages from their fn.
  const d = pipeline(
    [1, 2],
    (n) => ({ a: n, b: n }),
    { pool: threads, handler: 'add', concurrency: 2, timeout: 1000 },
    { pool, fn: async (sum) => [sum] },
  );
  expectType<Equal<ItemOf<typeof d>, number[]>>(true);
  const e = pipeline(
    [4],
    { pool: threads, handler: 'bytes', transfer: () => [] },
    (b) => b.byteLength,
  );
  expectType<Equal<ItemOf<typeof e>, number>>(true);
  // fanOut: the union of its branches; merge: the union of its sources.
  const f = pipeline(
    [1],
    fanOut(
      (x) => `${x}`,
      map((x) => x > 0),
    ),
  );
  expectType<Equal<ItemOf<typeof f>, string | boolean>>(true);
  const g = pipeline(merge([1], words('a b')), (v) => v);
  expectType<Equal<ItemOf<typeof g>, number | string>>(true);
  // Options come last.
  const h = pipeline([1], (x) => x, { ordered: false, buffer: 0 });
  expectType<Equal<ItemOf<typeof h>, number>>(true);

  // @ts-expect-error a string has no toFixed
  pipeline(['x'], (s) => s.toFixed());
  const onlyStrings = filter((s: string) => s.length > 0);
  // @ts-expect-error the filter takes strings, the items are numbers
  pipeline([1], onlyStrings);
  // @ts-expect-error `add` takes { a, b }, not a string
  pipeline(['x'], { pool: threads, handler: 'add' });
  // @ts-expect-error no such handler
  pipeline([{ a: 1, b: 2 }], { pool: threads, handler: 'nope' });
  // A later thread stage that does not take the items before it: no pipeline comes out.
  const wrong = pipeline([1], (x) => `${x}`, { pool: threads, handler: 'add' });
  expectType<Equal<typeof wrong, StageInputMismatch>>(true);
}

test('the item type flows stage to stage (checked by tsc)', async () => {
  assert.equal(typeof checks, 'function');
  const threads = new ThreadPool<Echo>({ module: fixture('echo.ts'), maxThreads: 1 });
  const out = pipeline([1, 2], (n) => ({ a: n, b: 10 }), { pool: threads, handler: 'add' });
  assert.deepEqual(await collect(out), [11, 12]);
  await threads.close();
});
