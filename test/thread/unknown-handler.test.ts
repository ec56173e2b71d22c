import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThreadPool, UnknownHandlerError } from '../../src/index.js';
import { fixture } from './helpers.js';

test('an unknown handler rejects UnknownHandlerError listing the handlers of the module', async () => {
  const pool = new ThreadPool({ module: fixture('echo.ts'), maxThreads: 1 });
  await assert.rejects(
    pool.run('nope'),
    (e) =>
      e instanceof UnknownHandlerError &&
      e.code === 'ERR_UNKNOWN_HANDLER' &&
      e.handler === 'nope' &&
      e.available.includes('echo') &&
      e.available.includes('add') &&
      !e.available.includes('notAHandler') &&
      /echo/.test(e.message),
  );
  assert.equal(await pool.run('echo', 'still works'), 'still works');
  await pool.close();
});

test('__proto__, constructor, inherited names and non-function exports are not handlers', async () => {
  const pool = new ThreadPool({ module: fixture('echo.ts'), maxThreads: 1 });
  for (const name of [
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'notAHandler',
    'default',
  ]) {
    await assert.rejects(pool.run(name), UnknownHandlerError, name);
  }
  const defaults = new ThreadPool({ module: fixture('default-export.ts'), maxThreads: 1 });
  for (const name of ['__proto__', 'constructor', 'label', 'valueOf']) {
    await assert.rejects(defaults.run(name, 1), UnknownHandlerError, name);
  }
  await Promise.all([pool.close(), defaults.close()]);
});
