// Type tests: `npm run typecheck` checks the @ts-expect-error lines; running it checks nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type HandlerName, type HandlerOutput, ThreadPool } from '../../src/index.js';
import { typecheck } from '../support/tsc.js';
import { fixture } from './helpers.js';

type Echo = typeof import('../fixtures/echo.js');
type Defaults = typeof import('../fixtures/default-export.js');

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(_: T): void {}

expectType<
  Equal<HandlerName<Echo>, 'echo' | 'add' | 'later' | 'untilAborted' | 'bytes' | 'length' | 'flaky'>
>(true);
expectType<Equal<HandlerName<Defaults>, 'double' | 'triple'>>(true);
expectType<Equal<HandlerOutput<Echo, 'later'>, string>>(true);
expectType<Equal<HandlerOutput<Echo, 'bytes'>, Uint8Array>>(true); // transfer(...) is unwrapped

async function checks(
  pool: ThreadPool<Echo>,
  defaults: ThreadPool<Defaults>,
  loose: ThreadPool,
): Promise<void> {
  const sum: number = await pool.run('add', { a: 1, b: 2 });
  const text: string = await pool.run('later', 'x');
  const moved: Uint8Array = await pool.run('bytes', 4);
  await pool.run('untilAborted'); // input `undefined`: may be left out
  // @ts-expect-error unknown handler name
  await pool.run('nope', 1);
  // @ts-expect-error `notAHandler` is not a function
  await pool.run('notAHandler', 1);
  // @ts-expect-error wrong input type
  await pool.run('add', 'not an object');
  // @ts-expect-error input is required
  await pool.run('add');
  // @ts-expect-error the output is a number, not a string
  const wrong: string = await pool.run('add', { a: 1, b: 2 });
  const task = await pool.submit('later', 'y');
  const later: string = await task.result;
  const maybe = pool.trySubmit('add', { a: 1, b: 1 });
  const maybeSum: number | undefined = await maybe?.result;
  for await (const n of pool.map('add', [{ a: 1, b: 1 }])) {
    const m: number = n;
    void m;
  }
  // @ts-expect-error map items must be the handler's input
  pool.map('add', [1, 2]);
  const doubled: number = await defaults.run('double', 2);
  // @ts-expect-error `label` is not a function
  await defaults.run('label');
  const anything: unknown = await loose.run('whatever', { any: 'input' });
  void [sum, text, moved, wrong, later, maybeSum, doubled, anything];
}

test('types flow from the task module (checked by tsc)', async () => {
  const pool = new ThreadPool<Echo>({ module: fixture('echo.ts'), maxThreads: 1 });
  assert.equal(typeof checks, 'function');
  assert.equal(await pool.run('add', { a: 1, b: 2 }), 3);
  await pool.close();
});

test('a wrong handler name is a compile error that lists the valid names', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'workpool-names-'));
  try {
    const file = join(dir, 'consumer.ts');
    writeFileSync(
      file,
      `import { ThreadPool } from ${JSON.stringify(join(root, 'src/index.js'))};
const pool = new ThreadPool<typeof import(${JSON.stringify(join(root, 'test/fixtures/default-export.js'))})>({ module: 'x.js' });
void pool.run('nope', 1);
`,
    );
    const tsc = typecheck(file, { flags: ['--skipLibCheck'] });
    const line = tsc.stdout.split('\n').find((l) => l.startsWith(file)) ?? tsc.stdout;
    assert.match(line, /TS2345/);
    assert.match(line, /"double" \| "triple"/, line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
