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
    for (const path of ['/stats', '/metrics', '/events', '/assets/uplot.js', '/nowhere']) {
      const answer = await get(server, path);
      assert.equal(answer.status, 401, path);
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="workpool"');
      assert.equal((answer.body as { error: { code: string } }).error.code, 'ERR_UNAUTHORIZED');
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

  test('the bearer scheme is case-insensitive', async () => {
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
      const auth = { authorization: `${scheme} ${token}` };
      assert.equal((await post(server, 'add', { a: 1, b: 2 }, { headers: auth })).body, 3, scheme);
    }
  });

  test('?access_token= is not accepted (the token goes in a header or through the login form)', async () => {
    assert.equal((await get(server, `/stats?access_token=${token}`)).status, 401);
  });

  test('the page: / sends to the login form, whose cookie opens the GET routes, not POST /tasks', async () => {
    const home = await fetch(`${server.url}/`, { redirect: 'manual' });
    assert.equal(home.status, 303);
    assert.equal(home.headers.get('location'), '/login');
    const form = await get(server, '/login');
    assert.equal(form.status, 200);
    assert.match(String(form.body), /<form method="post" action="\/login">/);
    const login = (value: string) =>
      fetch(`${server.url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: value }).toString(),
      });
    const wrong = await login('not-the-token');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('set-cookie'), null);
    const right = await login(token);
    assert.equal(right.status, 303);
    assert.equal(right.headers.get('location'), '/');
    const cookie = right.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.ok(!cookie.includes(token), 'the cookie does not carry the token itself');
    const session = { cookie: cookie.split(';')[0] ?? '' };
    assert.equal((await get(server, '/', session)).status, 200);
    assert.equal((await get(server, '/stats', session)).status, 200);
    assert.equal((await post(server, 'add', { a: 1, b: 1 }, { headers: session })).status, 401);
    assert.equal((await get(server, '/stats', { cookie: 'workpool_session=forged' })).status, 401);
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
