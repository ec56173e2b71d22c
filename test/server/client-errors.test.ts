import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WorkpoolServer } from '../../src/server/index.js';
import { assertError, rawAnswer, start } from './helpers.js';

/** Errors Node's HTTP parser raises before any route runs answer the server's shape too. */
describe('client errors answer { error: { name, message, code } }', () => {
  let server: WorkpoolServer;
  before(async () => {
    // Small, so the 408 test waits little; its outcome does not depend on how long.
    server = await start({ threads: 1, requestTimeout: 200 });
  });
  after(() => server.close());

  test('a body not in full within requestTimeout is 408 ERR_REQUEST_TIMEOUT, and the connection closes', async () => {
    const answer = await rawAnswer(
      server.port,
      'POST /tasks/echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"a":',
    );
    assertError(answer, 408, [
      'RequestTimeoutError',
      'ERR_REQUEST_TIMEOUT',
      'The request (headers and body) did not arrive in full within 200 ms (requestTimeout)',
    ]);
    assert.equal(answer.headers.get('connection'), 'close');
    assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
  });

  test('a malformed request is 400 ERR_BAD_REQUEST', async () => {
    const answer = await rawAnswer(server.port, 'NOT HTTP AT ALL\r\n\r\n');
    assertError(answer, 400, [
      'BadRequestError',
      'ERR_BAD_REQUEST',
      'The request is not valid HTTP',
    ]);
  });

  test('headers too large are 431 ERR_HEADERS_TOO_LARGE', async () => {
    const answer = await rawAnswer(
      server.port,
      `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    assertError(answer, 431, [
      'HeadersTooLargeError',
      'ERR_HEADERS_TOO_LARGE',
      'The request headers are too large',
    ]);
  });
});
