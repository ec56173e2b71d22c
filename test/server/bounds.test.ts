import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { TaskModuleError } from '../../src/index.js';
import { serve, type WorkpoolServer } from '../../src/server/index.js';
import { assertError, get, post, rawAnswer, start } from './helpers.js';

const token = 'slow-clients-token';

/** A raw client: sends `head` (and part of a body) and never more; resolves what it read once closed. */
function slowClient(port: number, head: string): { socket: Socket; closed: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  let got = '';
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => {
    got += d;
  });
  socket.on('error', () => {});
  socket.write(head);
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(got)));
  return { socket, closed };
}

const slowBody = (auth: string): string =>
  `POST /tasks/echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${auth}content-length: 1000\r\n\r\n{"a":`;

describe('every connection is bounded', () => {
  let server: WorkpoolServer;
  before(async () => {
    server = await start({ token, threads: 1, requestTimeout: 300, maxConnections: 2000 });
  });
  after(() => server.close());

  test('300 unauthenticated slow-body clients are answered 401 and dropped at once', async () => {
    const clients = Array.from({ length: 300 }, () => slowClient(server.port, slowBody('')));
    // Each is closed by the server without sending more (no timeout involved: the 401 goes
    // out as soon as the headers arrive, with `connection: close`).
    const answers = await Promise.all(clients.map((c) => c.closed));
    for (const a of answers) assert.match(a, /^HTTP\/1\.1 401 /);
    assert.equal((await get(server, '/healthz')).status, 200);
  });

  test('300 authenticated slow-body clients: /healthz answers meanwhile; each gets 408 and is closed', async () => {
    const clients = Array.from({ length: 300 }, () =>
      slowClient(server.port, slowBody(`authorization: Bearer ${token}\r\n`)),
    );
    let closed = 0;
    for (const c of clients) void c.closed.then(() => closed++);
    const health = await get(server, '/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { healthy: true });
    const answers = await Promise.all(clients.map((c) => c.closed));
    assert.equal(closed, 300);
    for (const a of answers) assert.ok(a === '' || /^HTTP\/1\.1 408 /.test(a), a);
    assert.equal((await get(server, '/healthz')).status, 200);
  });
});

/**
 * A slow client the server has certainly taken in: it sends its headers with
 * `expect: 100-continue`, so Node answers `100 Continue` once it has parsed them (the
 * request is in the server's hands, waiting for its body); then it sends part of the body
 * and nothing more.
 */
async function heldClient(port: number): Promise<{ socket: Socket; closed: Promise<string> }> {
  const c = slowClient(
    port,
    `POST /tasks/echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nauthorization: Bearer ${token}\r\nexpect: 100-continue\r\ncontent-length: 1000\r\n\r\n`,
  );
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: string): void => {
      seen += d;
      if (!seen.includes('\r\n\r\n')) return;
      c.socket.off('data', onData);
      if (/^HTTP\/1\.1 100 /.test(seen)) resolve();
      else reject(new Error(`expected 100 Continue, got ${seen}`));
    };
    c.socket.on('data', onData);
  });
  c.socket.write('{"a":');
  return c;
}

/** One request on a raw keep-alive connection; resolves the status line of its answer. */
function statusOn(socket: Socket, path: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const onData = (d: string): void => {
      got += d;
      if (!got.includes('\r\n')) return;
      socket.off('data', onData);
      resolve(got.slice(0, got.indexOf('\r\n')));
    };
    socket.on('data', onData);
    socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`);
  });
}

test('with 300 slow requests held open and the connection limit reached, /healthz is answered, and the next connection is refused', async () => {
  // No deadline runs out during the test (requestTimeout 60 s): the slow requests stay
  // open until the test drops them, so what is proved is an order, not a speed. /healthz
  // is answered while every slow request is still waiting for its body (none had to end
  // first), on the last connection the limit allows; the one after it is closed unread.
  const slow = 300;
  const server = await start({
    token,
    threads: 1,
    requestTimeout: 60_000,
    maxConnections: slow + 1,
  });
  const held: { socket: Socket; closed: Promise<string> }[] = [];
  try {
    for (let i = 0; i < slow; i++) held.push(await heldClient(server.port));
    let ended = 0;
    for (const c of held) void c.closed.then(() => ended++);

    const health = connect(server.port, '127.0.0.1');
    health.setEncoding('latin1');
    assert.equal(await statusOn(health, '/healthz'), 'HTTP/1.1 200 OK');
    assert.equal(ended, 0, 'no slow request had to end for /healthz to be answered');
    assert.equal(await statusOn(health, '/healthz'), 'HTTP/1.1 200 OK', 'and again');

    const past = slowClient(server.port, 'GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n');
    assert.equal(await past.closed, '', 'past maxConnections: closed, nothing answered');
    assert.equal(ended, 0, 'the slow requests are all still open');
    health.destroy();
  } finally {
    for (const c of held) c.socket.destroy();
    await server.close();
  }
});

test('past maxConnections a new connection is closed as it arrives', async () => {
  const server = await start({ threads: 1, maxConnections: 3 });
  try {
    const held = Array.from({ length: 3 }, () =>
      slowClient(server.port, 'GET /healthz HTTP/1.1\r\n'),
    );
    // Node counts a connection once accepted: wait until the three are.
    await Promise.all(held.map((c) => new Promise((r) => c.socket.once('connect', r))));
    await new Promise((r) => setImmediate(r));
    const extra = slowClient(server.port, '');
    assert.equal(await extra.closed, '');
    for (const c of held) c.socket.destroy();
  } finally {
    await server.close();
  }
});

test('serve() refuses to start when the task module cannot load', async () => {
  await assert.rejects(
    serve({ module: new URL('./fixtures/missing.js', import.meta.url), port: 0, threads: 1 }),
    (e: unknown) => e instanceof TaskModuleError && /cannot load/.test(e.message),
  );
});

describe('one shape for every error, one rule for bodies', () => {
  let server: WorkpoolServer;
  before(async () => {
    server = await start({ threads: 1, bodyLimit: 100_000 });
  });
  after(() => server.close());

  const shaped = (body: unknown, code: string): void => {
    const e = (body as { error: { name: unknown; message: unknown; code: unknown } }).error;
    assert.equal(typeof e.name, 'string');
    assert.equal(typeof e.message, 'string');
    assert.equal(e.code, code);
    assert.deepEqual(Object.keys(body as object), ['error']);
  };

  test('404, 415, 400 and 413 all answer { error: { name, message, code } }', async () => {
    const nowhere = await get(server, '/nowhere');
    assert.equal(nowhere.status, 404);
    shaped(nowhere.body, 'ERR_NOT_FOUND');
    const unknown = await post(server, 'noSuchHandler', {});
    assert.equal(unknown.status, 404);
    shaped(unknown.body, 'ERR_UNKNOWN_HANDLER');
    const bad = await post(server, 'echo', '{"a":');
    assert.equal(bad.status, 400);
    shaped(bad.body, 'ERR_BAD_JSON');
    const big = await post(server, 'echo', `"${'x'.repeat(200_000)}"`);
    assertError(big, 413, [
      'PayloadTooLargeError',
      'ERR_BODY_TOO_LARGE',
      'The body is larger than the limit of 100000 bytes (bodyLimit)',
    ]);
  });

  test('every body type but JSON is 415 saying what came and that JSON is required, text/plain included', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/csv']) {
      const answer = await post(server, 'echo', '{"a":1}', { headers: { 'content-type': type } });
      assertError(answer, 415, [
        'UnsupportedMediaTypeError',
        'ERR_UNSUPPORTED_MEDIA_TYPE',
        `The body has content type "${type}"; it must be application/json`,
      ]);
    }
    const untyped = await rawAnswer(
      server.port,
      'POST /tasks/echo HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: 7\r\n\r\n{"a":1}',
    );
    assertError(untyped, 415, [
      'UnsupportedMediaTypeError',
      'ERR_UNSUPPORTED_MEDIA_TYPE',
      'The body has no content type; it must be application/json',
    ]);
    const json = await post(server, 'echo', '{"a":1}', {
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    assert.deepEqual(json.body, { a: 1 });
  });

  test('__proto__ and constructor.prototype keys are refused with the reason; constructor as data is fine', async () => {
    for (const body of [
      '{"__proto__":{"polluted":true}}',
      '{"a":[{"b":{"__proto__":1}}]}',
      '{"\\u005f_proto__":1}',
      '{"constructor":{"prototype":{"x":1}}}',
    ]) {
      const answer = await post(server, 'echo', body);
      assert.equal(answer.status, 400, body);
      shaped(answer.body, 'ERR_JSON_PROTO_KEY');
      assert.match((answer.body as { error: { message: string } }).error.message, /poison/);
    }
    const fine = await post(server, 'echo', { constructor: 'a name', proto: 1 });
    assert.deepEqual(fine.body, { constructor: 'a name', proto: 1 });
  });

  test('JSON nested 10,000 deep is a 400 that says so, not a 500', async () => {
    const answer = await post(server, 'echo', `${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    assert.equal(answer.status, 400);
    shaped(answer.body, 'ERR_JSON_TOO_DEEP');
    assert.match((answer.body as { error: { message: string } }).error.message, /10000 levels/);
  });
});
