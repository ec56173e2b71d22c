import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WorkpoolServer } from '../../src/server/index.js';
import { post, start } from './helpers.js';

describe('POST /tasks/:name', () => {
  let server: WorkpoolServer;
  before(async () => {
    server = await start({ bodyLimit: 1024 });
  });
  after(() => server.close());

  test('200 with the handler result as JSON', async () => {
    const answer = await post(server, 'add', { a: 2, b: 3 });
    assert.equal(answer.status, 200);
    assert.equal(answer.body, 5);
    assert.deepEqual((await post(server, 'echo', { x: [1, 'two', null] })).body, {
      x: [1, 'two', null],
    });
  });

  test('a handler returning undefined answers null', async () => {
    const answer = await post(server, 'nothing', 'null');
    assert.equal(answer.status, 200);
    assert.equal(answer.body, null);
  });

  test('404 for a name the module does not export, before and after the server knows the list', async () => {
    for (const name of ['nope', 'nope2']) {
      const answer = await post(server, name, {});
      assert.equal(answer.status, 404);
      assert.deepEqual(
        (answer.body as { error: { code: string } }).error.code,
        'ERR_UNKNOWN_HANDLER',
      );
    }
  });

  test('only the module’s own function exports are reachable', async () => {
    for (const name of [
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'valueOf',
      'notAHandler',
      'default',
    ]) {
      const answer = await post(server, encodeURIComponent(name), {});
      assert.equal(answer.status, 404, name);
    }
  });

  test('400 for malformed JSON, a poisoned __proto__ key, or a bad x-timeout-ms', async () => {
    assert.equal((await post(server, 'echo', '{"a":')).status, 400);
    assert.equal((await post(server, 'echo', '{"__proto__":{"x":1}}')).status, 400);
    for (const value of ['soon', 'abc', '-1', '0', '1.5', '999999999', '99999999999']) {
      const answer = await post(
        server,
        'add',
        { a: 1, b: 1 },
        { headers: { 'x-timeout-ms': value } },
      );
      assert.equal(answer.status, 400, value);
      // One message for every bad value, and a code.
      assert.deepEqual(answer.body, {
        error: {
          name: 'RangeError',
          message: `Expected the x-timeout-ms header to be an integer from 1 to 300000, got "${value}"`,
          code: 'ERR_BAD_REQUEST',
        },
      });
    }
    const key = await post(server, 'add', { a: 1, b: 1 }, { headers: { 'x-task-key': ' ' } });
    assert.equal(key.status, 400);
    assert.equal((key.body as { error: { code: string } }).error.code, 'ERR_BAD_REQUEST');
  });

  test('413 for a body over the limit', async () => {
    const answer = await post(server, 'echo', JSON.stringify('x'.repeat(2048)));
    assert.equal(answer.status, 413);
  });

  test('500 with the error name and message, code ERR_TASK_FAILED, and no stack', async () => {
    const answer = await post(server, 'fail', { message: 'bad input' });
    assert.equal(answer.status, 500);
    assert.deepEqual(answer.body, {
      error: { name: 'RangeError', message: 'bad input', code: 'ERR_TASK_FAILED' },
    });
  });

  test("500 with the handler error's own string code when it has one", async () => {
    const answer = await post(server, 'failWithCode', { message: 'no file', code: 'ENOENT' });
    assert.equal(answer.status, 500);
    assert.deepEqual(answer.body, {
      error: { name: 'Error', message: 'no file', code: 'ENOENT' },
    });
  });

  test('500 with the stack when exposeStack is set', async () => {
    const other = await start({ exposeStack: true, threads: 1 });
    try {
      const answer = await post(other, 'fail', { message: 'deep' });
      assert.equal(answer.status, 500);
      const error = (answer.body as { error: { name: string; stack?: string } }).error;
      assert.equal(error.name, 'RangeError');
      assert.match(error.stack ?? '', /RangeError: deep\n\s+at fail/);
    } finally {
      await other.close();
    }
  });
});
