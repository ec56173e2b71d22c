import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThreadPool } from '../../src/index.js';
import { outcome } from '../helpers.js';
import { fixture } from './helpers.js';

type Throw = typeof import('../fixtures/throw.js');

function pool(): ThreadPool<Throw> {
  return new ThreadPool<Throw>({ module: fixture('throw.ts'), maxThreads: 1 });
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  const r = await outcome(p);
  assert.equal(r.ok, false);
  return r.ok ? undefined : r.error;
}

test('a thrown Error keeps its message, stack, cause and own properties', async () => {
  const threads = pool();
  const error = await rejection(threads.run('plain'));
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'Error');
  assert.equal(error.message, 'plain failure');
  assert.match(error.stack ?? '', /plain failure/);
  assert.match(
    error.stack ?? '',
    /throw\.ts/,
    'the stack is the thread’s, pointing into the task module',
  );
  assert.ok(error.cause instanceof TypeError);
  assert.equal(error.cause.message, 'root cause');
  assert.equal((error as Error & { code?: string }).code, 'E_PLAIN');
  assert.deepEqual((error as Error & { details?: unknown }).details, { attempts: 3 });
  await threads.close();
});

test('a custom error class keeps its name and properties; built-in classes are rebuilt', async () => {
  const threads = pool();
  const custom = await rejection(threads.run('custom'));
  assert.ok(custom instanceof Error);
  assert.equal(custom.name, 'ValidationError');
  assert.equal(custom.message, 'bad email');
  assert.equal((custom as Error & { field?: string }).field, 'email');
  const range = await rejection(threads.run('range'));
  assert.ok(range instanceof RangeError);
  assert.equal(range.message, 'out of range');
  const rejected = await rejection(threads.run('rejects'));
  assert.ok(rejected instanceof Error);
  assert.equal(rejected.message, 'async failure');
  await threads.close();
});

test('a thrown non-Error value passes through as-is', async () => {
  const threads = pool();
  assert.deepEqual(await rejection(threads.run('notAnError')), { reason: 'a plain object' });
  await threads.close();
});

test('an error with a property that cannot be cloned still arrives, without that property', async () => {
  const threads = pool();
  const error = await rejection(threads.run('uncloneableProp'));
  assert.ok(error instanceof Error);
  assert.equal(error.message, 'has a function');
  assert.equal((error as Error & { code?: string }).code, 'E_KEEP');
  assert.equal('callback' in error, false);
  assert.equal(
    await outcome(threads.run('range')).then((r) => r.ok),
    false,
    'the thread keeps working',
  );
  assert.equal(threads.stats().details?.spawned, 1, 'no thread was lost');
  await threads.close();
});
