import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ManualClock, TaskModuleError, ThreadPool } from '../../src/index.js';
import type { Health } from '../../src/types.js';
import { fixture, threadDetails } from './helpers.js';

/** Makes a pool on `module` and waits for it to give up: retries are fast and counted. */
async function unhealthy(
  module: URL,
  maxThreads = 1,
): Promise<{ pool: ThreadPool; health: Health }> {
  const pool = new ThreadPool({ module, maxThreads, loadRetries: 2, loadRetryDelay: 1 });
  // Idle threads do not keep the process alive (by design); this test waits on them.
  const keepAlive = setInterval(() => {}, 1000);
  const health = await new Promise<Health>((resolve) => pool.on('health', resolve));
  clearInterval(keepAlive);
  return { pool, health };
}

function assertModuleError(error: unknown, path: RegExp, cause: RegExp): void {
  assert.ok(error instanceof TaskModuleError, String(error));
  assert.equal(error.code, 'ERR_TASK_MODULE');
  assert.match(error.message, path);
  assert.match(error.message, cause);
  assert.ok(error.cause instanceof Error);
}

test('a module that throws at import: backoff, then unhealthy, a clear error, no respawn loop', async () => {
  const { pool, health } = await unhealthy(fixture('throws-at-import.js'));
  assert.equal(health.healthy, false);
  assertModuleError(health.error, /throws-at-import\.js/, /refusing to load/);
  assert.equal(threadDetails(pool).spawned, 3, 'one start and two retries, then it stops');
  assert.equal(threadDetails(pool).alive, 0);
  const stats = pool.stats();
  assert.equal(stats.healthy, false);
  assert.match(stats.error ?? '', /refusing to load/);
  await assert.rejects(pool.run('anything'), TaskModuleError);
  await pool.close();
  assert.equal(threadDetails(pool).spawned, 3);
});

test('a missing module file: unhealthy with the path, no thread started', async () => {
  const { pool, health } = await unhealthy(fixture('does-not-exist.js'));
  assertModuleError(health.error, /does-not-exist\.js/, /not found/);
  assert.equal(threadDetails(pool).spawned, 0);
  await pool.close();
});

test('a missing module fails at once, not after retries, and says how relative paths resolve', async () => {
  // A clock that never moves: any backoff before the error would hang this test.
  const pool = new ThreadPool({
    module: 'no/such/tasks.js',
    clock: new ManualClock(),
    loadRetries: 5,
  });
  const error = await pool.run('anything').then(
    () => undefined,
    (e: unknown) => e,
  );
  assertModuleError(error, /no\/such\/tasks\.js/, /working directory/);
  assert.doesNotMatch((error as Error).message, /attempts/);
  assert.match(
    (error as Error).message,
    new RegExp(process.cwd().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
  );
  assert.equal(threadDetails(pool).spawned, 0);
  await pool.close();
});

/** The error `run` rejects with on a pool whose clock never moves: a backoff before it would hang. */
async function runError(module: URL): Promise<{ pool: ThreadPool; error: unknown }> {
  const pool = new ThreadPool({ module, maxThreads: 1, clock: new ManualClock(), loadRetries: 5 });
  const error = await pool.run('anything').then(
    () => undefined,
    (e: unknown) => e,
  );
  return { pool, error };
}

test('a module that does not parse fails at once, with the parse error as cause (.mjs, and .ts through tsx)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'workpool-'));
  try {
    for (const [name, cause] of [
      ['bad-syntax.mjs', 'SyntaxError'],
      ['bad-syntax.ts', 'TransformError'],
    ] as const) {
      const file = join(dir, name);
      await writeFile(file, 'export function broken( {\n  return 1;\n}\n');
      const { pool, error } = await runError(pathToFileURL(file));
      assertModuleError(error, new RegExp(name.replace('.', '\\.')), /./);
      assert.doesNotMatch((error as Error).message, /attempts/);
      assert.equal(((error as Error).cause as Error).name, cause);
      assert.equal(threadDetails(pool).spawned, 1, 'no retry');
      await pool.close();
    }
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('a directory given as the module fails at once, no thread started', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'workpool-'));
  try {
    const { pool, error } = await runError(pathToFileURL(dir));
    assertModuleError(error, /workpool-/, /is a directory/);
    assert.doesNotMatch((error as Error).message, /attempts/);
    assert.equal(threadDetails(pool).spawned, 0);
    await pool.close();
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('a module without handler functions is a load failure', async () => {
  const { pool, health } = await unhealthy(fixture('no-handlers.js'));
  assertModuleError(health.error, /no-handlers\.js/, /no handler functions/);
  await pool.close();
});

test('tasks waiting while the module fails are rejected with the module error', async () => {
  const pool = new ThreadPool({
    module: fixture('throws-at-import.js'),
    maxThreads: 1,
    loadRetries: 1,
    loadRetryDelay: 1,
  });
  await assert.rejects(pool.run('x'), TaskModuleError);
  await pool.close();
});

test('a module that loads but then exits while idle is not respawned in a loop', async () => {
  const { pool, health } = await unhealthy(fixture('idle-crash.js'));
  assertModuleError(health.error, /idle-crash\.js/, /code 5/);
  assert.equal(threadDetails(pool).spawned, 3);
  await pool.close();
});

test('ready() and handlers(): the module loaded, and its function exports', async () => {
  const pool = new ThreadPool<typeof import('../fixtures/fates.js')>({
    module: fixture('fates.ts'),
    maxThreads: 1,
  });
  await pool.ready();
  assert.deepEqual([...(await pool.handlers())].sort(), [
    'bytes',
    'count',
    'exit',
    'exitAfter',
    'thenableThrows',
    'thenableTwice',
    'wait',
  ]);
  await pool.close();
});

test('ready() rejects TaskModuleError when the module cannot load', async () => {
  const pool = new ThreadPool({ module: fixture('throws-at-import.js'), loadRetries: 0 });
  await assert.rejects(pool.ready(), TaskModuleError);
  await assert.rejects(pool.handlers(), TaskModuleError);
  await pool.close();
});
