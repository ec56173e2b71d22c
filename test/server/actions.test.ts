// The operator's actions over HTTP (`POST /api/...`), each checked by its effect on the
// pool; the task list and tasks in flight (`GET /api/...`); read-only mode; the token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../src/index.js';
import type { Failure, Point, Series, WorkpoolServer } from '../../src/server/index.js';
import { type Answer, Gates, get, post, start, until } from './helpers.js';

interface ErrorAnswer {
  error: { name: string; code: string; message: string };
}

async function act(
  server: { url: string },
  path: string,
  body: unknown = {},
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Answer> {
  const response = await fetch(`${server.url}/api/${path}`, {
    method: 'POST',
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}

const code = (a: Answer): string => (a.body as ErrorAnswer).error.code;

describe('actions', () => {
  let server: WorkpoolServer;
  let gates: Gates;
  const clock = new ManualClock();
  before(async () => {
    gates = await Gates.open();
    server = await start({ threads: 1, maxQueue: 20, clock, sampleInterval: 1000 });
  });
  after(async () => {
    await server.close();
    await gates.close();
  });

  /** The newest fine point, after one more sample. */
  const sample = async (): Promise<Point> => {
    clock.advance(1000);
    const series = (await get(server, '/api/history')).body as Series;
    const last = series.fine.at(-1);
    assert.ok(last);
    return last;
  };

  test('pause stops starting tasks, resume starts them again', async () => {
    const paused = await act(server, 'pause');
    assert.equal(paused.status, 200);
    assert.deepEqual(
      { ok: true, action: 'pause', paused: true },
      {
        ok: (paused.body as { ok: boolean }).ok,
        action: (paused.body as { action: string }).action,
        paused: (paused.body as { paused: boolean }).paused,
      },
    );
    assert.equal(server.pool.paused, true);
    const answer = post(server, 'add', { a: 2, b: 3 });
    await until(() => server.pool.stats().queued === 1);
    assert.equal((await sample()).mode, 'paused');
    assert.equal((await act(server, 'resume')).status, 200);
    assert.equal(server.pool.paused, false);
    assert.equal((await answer).body, 5);
    assert.equal((await sample()).mode, 'running');
  });

  test('resize changes the thread count; bad sizes are 400 naming `threads`', async () => {
    const grown = await act(server, 'resize', { threads: 2 });
    assert.equal(grown.status, 200);
    assert.equal((grown.body as { maxThreads: number }).maxThreads, 2);
    assert.equal(server.pool.stats().concurrency.max, 2);
    await until(() => server.pool.stats().workers === 2);
    for (const threads of [0, 1.5, 'two', 5000, null]) {
      const bad = await act(server, 'resize', { threads });
      assert.equal(bad.status, 400, String(threads));
      assert.equal(code(bad), 'ERR_BAD_ACTION');
      assert.match((bad.body as ErrorAnswer).error.message, /`threads`/);
    }
    assert.equal((await act(server, 'resize', { threads: 1 })).status, 200);
    assert.equal(server.pool.stats().concurrency.max, 1);
  });

  test('an action takes a JSON object body and no unknown keys', async () => {
    // Without a body, or with another type: 415, in the server's one error shape.
    const noBody = await act(server, 'pause', undefined, {});
    assert.equal(noBody.status, 415);
    assert.equal(typeof code(noBody), 'string');
    const form = await fetch(`${server.url}/api/pause`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    assert.equal(form.status, 415);
    const unknown = await act(server, 'pause', { now: true });
    assert.equal(unknown.status, 400);
    assert.match((unknown.body as ErrorAnswer).error.message, /Unknown option `body.now`/);
    assert.equal((await act(server, 'pause', [])).status, 400);
    assert.equal(server.pool.paused, false, 'a refused action changes nothing');
    assert.equal((await act(server, 'nothing')).status, 404);
  });

  test('drain refuses new tasks (503) while accepted ones finish; resume ends it', async () => {
    const running = post(server, 'gate', { port: gates.port });
    const gate = await gates.next();
    const drain = await act(server, 'drain');
    assert.equal((drain.body as { draining: boolean }).draining, true);
    const refused = await post(server, 'add', { a: 1, b: 1 });
    assert.equal(refused.status, 503);
    assert.equal(code(refused), 'ERR_DRAINING');
    assert.equal((await sample()).mode, 'draining');
    gate.open('done');
    assert.equal((await running).body, 'done');
    await until(() => server.pool.stats().running === 0);
    assert.equal((await sample()).mode, 'drained');
    await act(server, 'resume');
    assert.equal((await post(server, 'add', { a: 1, b: 1 })).body, 2);
  });

  test('cancel: a running task (its signal aborts) and a waiting one', async () => {
    const running = post(server, 'gate', { port: gates.port });
    const gate = await gates.next();
    const list = (await get(server, '/api/tasks')).body as {
      tasks: { id: number; name: string; state: string; cancellable: boolean }[];
    };
    const task = list.tasks.find((t) => t.name === 'gate');
    assert.ok(task);
    assert.equal(task.state, 'running');
    assert.equal(task.cancellable, true);
    // One waits behind it.
    const waiting = post(server, 'add', { a: 1, b: 2 });
    await until(() => server.pool.stats().queued === 1);
    const queued = ((await get(server, '/api/tasks')).body as typeof list).tasks.find(
      (t) => t.name === 'add',
    );
    assert.equal(queued?.state, 'waiting');
    const c1 = await act(server, `tasks/${queued?.id}/cancel`);
    assert.equal(c1.status, 200);
    assert.equal((c1.body as { was: string }).was, 'waiting');
    assert.equal(code(await waiting), 'ERR_TASK_CANCELLED');
    const c2 = await act(server, `tasks/${task.id}/cancel`);
    assert.equal((c2.body as { was: string }).was, 'running');
    await gate.closed; // the handler saw its signal abort
    assert.equal((await running).status, 503);
    const gone = await act(server, `tasks/${task.id}/cancel`);
    assert.equal(gone.status, 404);
    assert.equal(code(gone), 'ERR_TASK_NOT_FOUND');
    assert.equal(code(await act(server, 'tasks/abc/cancel')), 'ERR_BAD_ACTION');
    // Both are in the task list, as cancelled.
    const cancelled = (await get(server, '/api/failures?outcome=cancelled')).body as {
      failures: Failure[];
    };
    const ids = cancelled.failures.map((f) => f.id);
    assert.ok(ids.includes(task.id) && ids.includes(queued?.id ?? -1));
  });

  test('retry runs a failed task again with its input; the list shows it', async () => {
    const failed = await post(
      server,
      'fail',
      { message: 'try me again' },
      {
        headers: { 'x-task-key': 'acme' },
      },
    );
    assert.equal(failed.status, 500);
    const list = (await get(server, '/api/failures?name=fail&key=acme&limit=1')).body as {
      failures: Failure[];
    };
    const entry = list.failures[0];
    assert.ok(entry);
    assert.equal(entry.outcome, 'failed');
    assert.equal(entry.error.name, 'RangeError');
    assert.equal(entry.error.message, 'try me again');
    assert.equal(entry.input, '{"message":"try me again"}');
    assert.equal(entry.attempts, 1);
    assert.equal(entry.retryable, true);
    const detail = (await get(server, `/api/failures/${entry.id}`)).body as {
      failure: { stack: string };
    };
    assert.match(detail.failure.stack, /RangeError: try me again/);
    const retry = await act(server, `failures/${entry.id}/retry`);
    assert.equal(retry.status, 202);
    const retryId = (retry.body as { retry: number }).retry;
    // The retry fails the same way: it is listed too, with the same input and key.
    await until(async () => {
      const l = (await get(server, '/api/failures?name=fail')).body as { failures: Failure[] };
      return l.failures.some((f) => f.id === retryId);
    });
    const again = (await get(server, `/api/failures/${retryId}`)).body as { failure: Failure };
    assert.equal(again.failure.key, 'acme');
    assert.equal(again.failure.input, entry.input);
    const twice = await act(server, `failures/${entry.id}/retry`);
    assert.equal(twice.status, 409);
    assert.equal(code(twice), 'ERR_NOT_RETRYABLE');
    assert.equal((await act(server, 'failures/999999/retry')).status, 404);
  });

  test('the lists validate their queries', async () => {
    for (const q of ['outcome=bogus', 'limit=0', 'limit=x', 'colour=red', 'name=a&name=b']) {
      const a = await get(server, `/api/failures?${q}`);
      assert.equal(a.status, 400, q);
      assert.equal(code(a), 'ERR_BAD_QUERY', q);
    }
    assert.equal((await get(server, '/api/failures/abc')).status, 400);
    assert.equal((await get(server, '/api/tasks?limit=100000')).status, 400);
    const badKey = await post(server, 'add', { a: 1, b: 1 }, { headers: { 'x-task-key': '' } });
    assert.equal(badKey.status, 400);
  });

  test('per-key figures follow x-task-key', async () => {
    for (const key of ['acme', 'acme', 'globex'])
      await post(server, 'add', { a: 1, b: 1 }, { headers: { 'x-task-key': key } });
    const point = await sample();
    assert.ok((point.keys.acme?.totals.completed ?? 0) >= 2);
    assert.equal(point.keys.globex?.totals.completed, 1);
    assert.ok((point.tasks.add?.totals.completed ?? 0) >= 3);
    assert.equal(point.hosts.length, 1);
    assert.equal(point.hosts[0]?.threads, 1);
  });
});

test('read-only: every action is 403 and changes nothing', async () => {
  const server = await start({ threads: 1, readOnly: true });
  try {
    for (const path of [
      'pause',
      'resume',
      'drain',
      'resize',
      'tasks/1/cancel',
      'failures/1/retry',
    ]) {
      const a = await act(server, path, path === 'resize' ? { threads: 2 } : {});
      assert.equal(a.status, 403, path);
      assert.equal(code(a), 'ERR_READ_ONLY', path);
    }
    assert.equal(server.pool.paused, false);
    assert.equal(server.pool.stats().concurrency.max, 1);
    const page = (await get(server, '/')).body as string;
    assert.ok(!page.includes('id="a-pause"'), 'the page shows no actions');
    assert.ok(page.includes('read-only'));
  } finally {
    await server.close();
  }
});

test('with a token: actions need the bearer header or the login cookie', async () => {
  const token = 'operator-token-123';
  const server = await start({ threads: 1, token });
  try {
    assert.equal((await act(server, 'pause')).status, 401);
    assert.equal(server.pool.paused, false);
    const bearer = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    assert.equal((await act(server, 'pause', {}, bearer)).status, 200);
    assert.equal(server.pool.paused, true);
    const login = await fetch(`${server.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const session = { 'content-type': 'application/json', cookie };
    assert.equal((await act(server, 'resume', {}, session)).status, 200);
    assert.equal(server.pool.paused, false);
    // The cookie opens the dashboard's actions, never POST /tasks.
    assert.equal((await post(server, 'add', { a: 1, b: 1 }, { headers: { cookie } })).status, 401);
    const out = await fetch(`${server.url}/logout`, { method: 'POST', redirect: 'manual' });
    assert.equal(out.status, 303);
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  } finally {
    await server.close();
  }
});
