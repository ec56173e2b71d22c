import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Gates, post, start, until } from './helpers.js';

let gates: Gates;
before(async () => {
  gates = await Gates.open();
});
after(() => gates.close());

test('a client that goes away cancels its running task (the handler’s signal aborts)', async () => {
  const server = await start({ threads: 1 });
  try {
    const client = new AbortController();
    const answer = post(server, 'gate', { port: gates.port }, { signal: client.signal });
    const gate = await gates.next();
    client.abort();
    await assert.rejects(answer, { name: 'AbortError' });
    await gate.closed;
    await until(() => server.pool.stats().cancelled === 1);
    assert.equal((await post(server, 'add', { a: 1, b: 2 })).body, 3, 'the thread is free again');
  } finally {
    await server.close();
  }
});

test('a client that goes away while its task waits cancels it before it runs', async () => {
  const server = await start({ threads: 1 });
  try {
    const running = post(server, 'gate', { port: gates.port });
    const g1 = await gates.next();
    const client = new AbortController();
    const queued = post(server, 'gate', { port: gates.port }, { signal: client.signal });
    await until(() => server.pool.stats().submitted === 2);
    client.abort();
    await assert.rejects(queued, { name: 'AbortError' });
    await until(() => server.pool.stats().cancelled === 1);
    g1.open('one');
    assert.equal((await running).body, 'one');
    const s = server.pool.stats();
    assert.equal(s.started, 1, 'the cancelled task never started');
    assert.equal(s.cancelled, 1);
  } finally {
    await server.close();
  }
});
