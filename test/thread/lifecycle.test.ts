import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PoolClosedError, ThreadPool } from '../../src/index.js';
import { fixture, SharedGate, threadDetails } from './helpers.js';

type Gate = typeof import('../fixtures/gate.js');

test('close() lets accepted tasks finish, then no thread is alive', async () => {
  const pool = new ThreadPool<Gate>({ module: fixture('gate.ts'), maxThreads: 2 });
  const exits: string[] = [];
  pool.threads.on('exit', (e) => exits.push(e.reason));
  const gate = new SharedGate();
  const running = pool.run('wait', gate.sab);
  const queued = [pool.run('ok', 1), pool.run('ok', 2), pool.run('ok', 3)];
  await gate.started();
  let closed = false;
  const closing = pool.close().then((report) => {
    closed = true;
    return report;
  });
  await assert.rejects(pool.run('ok', 4), PoolClosedError);
  assert.deepEqual(await Promise.all(queued), [1, 2, 3]);
  assert.equal(closed, false, 'still waiting for the blocked task');
  gate.open();
  assert.equal(await running, 'released');
  const report = await closing;
  assert.equal(report.completed, 4);
  assert.equal(report.failed + report.cancelled + report.timedOut, 0);
  assert.equal(threadDetails(pool).alive, 0);
  assert.deepEqual(exits, ['close', 'close']);
});

test('close() of a pool whose threads are still starting waits for them to be gone', async () => {
  const pool = new ThreadPool<Gate>({ module: fixture('gate.ts'), maxThreads: 2 });
  await pool.close();
  assert.equal(threadDetails(pool).alive, 0);
});

test('await using closes the pool', async () => {
  let pool: ThreadPool<Gate> | undefined;
  {
    await using p = new ThreadPool<Gate>({ module: fixture('gate.ts'), maxThreads: 1 });
    pool = p;
    assert.equal(await p.run('ok', 'x'), 'x');
  }
  assert.equal(pool.closed, true);
  assert.equal(threadDetails(pool).alive, 0);
});
