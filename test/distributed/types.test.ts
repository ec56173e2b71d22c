// Type tests: `npm run typecheck` checks the @ts-expect-error lines; running it checks nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DistributedPool, DistributedTask } from '../../src/distributed/index.js';

type Tasks = typeof import('./fixtures/tasks.js');

async function checks(pool: DistributedPool<Tasks>): Promise<void> {
  const sum: number = await pool.run('add', { a: 1, b: 2 });
  const pid: number = await pool.run('pid'); // input `undefined`: may be left out
  // @ts-expect-error unknown handler name
  await pool.run('nope', 1);
  // @ts-expect-error wrong input type
  await pool.run('add', 'not an object');
  // @ts-expect-error input is required
  await pool.run('add');
  // @ts-expect-error the output is a number, not a string
  const wrong: string = await pool.run('add', { a: 1, b: 2 });
  const task: DistributedTask<number> = await pool.submit(
    'add',
    { a: 1, b: 2 },
    { id: 'x', delay: 5 },
  );
  const maybe: DistributedTask<number> | undefined = pool.trySubmit('add', { a: 1, b: 2 });
  for await (const n of pool.map('add', [{ a: 1, b: 2 }], { batch: 10 })) {
    const typed: number = n;
    void typed;
  }
  // @ts-expect-error unknown option
  await pool.run('add', { a: 1, b: 2 }, { nope: true });
  void [sum, pid, wrong, task, maybe];
}

test('distributed type tests compile (see npm run typecheck)', () => {
  assert.equal(typeof checks, 'function');
});
