import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Gates, post, start, until } from './helpers.js';

let gates: Gates;
before(async () => {
  gates = await Gates.open();
});
after(() => gates.close());

test('503 with Retry-After when the queue is full, not queued', async () => {
  const server = await start({ threads: 1, maxQueue: 1 });
  try {
    const running = post(server, 'gate', { port: gates.port });
    const g1 = await gates.next();
    const queued = post(server, 'gate', { port: gates.port });
    await until(() => server.pool.stats().queued === 1);
    const refused = await post(server, 'gate', { port: gates.port });
    assert.equal(refused.status, 503);
    assert.match(refused.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    assert.equal((refused.body as { error: { code: string } }).error.code, 'ERR_OVERLOADED');
    assert.equal(server.pool.stats().queued, 1);
    g1.open('one');
    const g2 = await gates.next();
    g2.open('two');
    assert.deepEqual([(await running).body, (await queued).body], ['one', 'two']);
  } finally {
    await server.close();
  }
});

test('503 early when the predicted wait exceeds the request deadline', async () => {
  let now = 0;
  const server = await start({ threads: 1, maxQueue: 100, now: () => now });
  try {
    // One task that "ran" 1000 ms teaches the server the mean run time.
    const first = post(server, 'gate', { port: gates.port });
    const g1 = await gates.next();
    now += 1000;
    g1.open('measured');
    assert.equal((await first).status, 200);

    const busy = post(server, 'gate', { port: gates.port });
    const g2 = await gates.next();
    // Thread busy, queue empty: a new task waits ~1 run (1000 ms).
    const tooShort = await post(
      server,
      'add',
      { a: 1, b: 1 },
      { headers: { 'x-timeout-ms': '500' } },
    );
    assert.equal(tooShort.status, 503);
    assert.equal(tooShort.headers.get('retry-after'), '1');
    const fits = post(server, 'add', { a: 1, b: 1 }, { headers: { 'x-timeout-ms': '5000' } });
    await until(() => server.pool.stats().queued === 1);
    // One queued ahead: ~2000 ms.
    const behind = await post(
      server,
      'add',
      { a: 2, b: 2 },
      { headers: { 'x-timeout-ms': '1500' } },
    );
    assert.equal(behind.status, 503);
    assert.equal(behind.headers.get('retry-after'), '2');
    assert.equal(server.pool.stats().queued, 1, 'refused requests never entered the queue');
    g2.open('done');
    assert.equal((await busy).body, 'done');
    assert.deepEqual(await fits.then((a) => [a.status, a.body]), [200, 2]);
  } finally {
    await server.close();
  }
});

test('504 when the task outlives the request deadline; its task is cancelled', async () => {
  const server = await start({ threads: 1 });
  const own = await Gates.open();
  try {
    const a = await post(
      server,
      'gate',
      { port: own.port },
      { headers: { 'x-timeout-ms': '100' } },
    );
    assert.equal(a.status, 504);
    const error = (a.body as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'ERR_TASK_TIMEOUT');
    assert.match(error.message, /deadline of 100 ms/);
    await until(() => server.pool.stats().cancelled === 1);
  } finally {
    await server.close();
    await own.close();
  }
});

test('504 from the server default timeout, and the thread is free afterwards', async () => {
  const server = await start({ threads: 1, timeout: 100 });
  const own = await Gates.open();
  try {
    assert.equal((await post(server, 'gate', { port: own.port })).status, 504);
    assert.equal((await post(server, 'add', { a: 20, b: 22 })).body, 42);
  } finally {
    await server.close();
    await own.close();
  }
});
