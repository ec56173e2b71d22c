import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { WorkpoolServer } from '../../src/server/index.js';
import { serve } from '../../src/server/index.js';
import { get, post, start, tasksModule } from './helpers.js';

const token = 'correct-horse-battery';

describe('bearer token', () => {
  let server: WorkpoolServer;
  before(async () => {
    server = await start({ token, threads: 1 });
  });
  after(() => server.close());

  test('401 on every route without the token, or with a wrong one', async () => {
    for (const path of ['/', '/stats', '/metrics', '/events', '/assets/uplot.js', '/nowhere']) {
      const answer = await get(server, path);
      assert.equal(answer.status, 401, path);
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="workpool"');
      assert.equal(
        (await get(server, path, { authorization: 'Bearer wrong-token-here' })).status,
        401,
        path,
      );
    }
    assert.equal((await post(server, 'add', { a: 1, b: 1 })).status, 401);
    assert.equal(
      (await post(server, 'add', { a: 1, b: 1 }, { headers: { authorization: `Basic ${token}` } }))
        .status,
      401,
    );
  });

  test('the token opens every route', async () => {
    const auth = { authorization: `Bearer ${token}` };
    assert.equal((await post(server, 'add', { a: 1, b: 1 }, { headers: auth })).body, 2);
    assert.equal((await get(server, '/stats', auth)).status, 200);
    assert.equal((await get(server, '/metrics', auth)).status, 200);
  });

  test('GET also takes ?access_token= (the dashboard cannot set headers on EventSource); POST does not', async () => {
    assert.equal((await get(server, `/stats?access_token=${token}`)).status, 200);
    const response = await fetch(`${server.url}/tasks/add?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1,"b":1}',
    });
    assert.equal(response.status, 401);
  });

  test('/healthz needs no token', async () => {
    assert.equal((await get(server, '/healthz')).status, 200);
  });
});

test('binding anywhere but loopback requires a token', async () => {
  await assert.rejects(serve({ module: tasksModule, host: '0.0.0.0', port: 0, threads: 1 }), {
    name: 'RangeError',
    message: /requires a `token`/,
  });
  await assert.rejects(serve({ module: tasksModule, host: '::', port: 0, threads: 1 }), RangeError);
});
