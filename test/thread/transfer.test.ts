import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThreadPool } from '../../src/index.js';
import { fixture } from './helpers.js';

type Echo = typeof import('../fixtures/echo.js');

test('transfer moves input buffers: the caller’s copy is detached', async () => {
  const pool = new ThreadPool<Echo>({ module: fixture('echo.ts'), maxThreads: 1 });
  const input = new Uint8Array(1024).fill(1);
  // Moved when the task is sent to its thread (a queued task keeps its buffer until then).
  assert.equal(await pool.run('length', input, { transfer: [input.buffer] }), 1024);
  assert.equal(input.byteLength, 0, 'moved, not copied');
  await pool.close();
});

test('a handler returning transfer(value, list) moves its output', async () => {
  const pool = new ThreadPool<Echo>({ module: fixture('echo.ts'), maxThreads: 1 });
  const out = await pool.run('bytes', 16);
  assert.ok(out instanceof Uint8Array);
  assert.equal(out.byteLength, 16);
  assert.equal(out[15], 7);
  await pool.close();
});
