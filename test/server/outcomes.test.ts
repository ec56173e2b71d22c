import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Gates, get, parseMetrics, post, start, until } from './helpers.js';

test('a 504 (request deadline) is timed_out in /stats, /metrics and the pool, never cancelled', async () => {
  const server = await start({ threads: 1 });
  const gates = await Gates.open();
  try {
    for (let i = 0; i < 2; i++) {
      const answer = await post(
        server,
        'gate',
        { port: gates.port },
        { headers: { 'x-timeout-ms': '100' } },
      );
      assert.equal(answer.status, 504);
    }
    await until(() => server.pool.stats().timedOut === 2);
    const stats = (await get(server, '/stats')).body as {
      pool: { timedOut: number; cancelled: number };
      server: { timedOut: number; cancelled: number };
      tasks: Record<string, { timedOut: number }>;
    };
    assert.deepEqual([stats.pool.timedOut, stats.pool.cancelled], [2, 0]);
    assert.deepEqual([stats.server.timedOut, stats.server.cancelled], [2, 0]);
    assert.equal(stats.tasks.gate?.timedOut, 2);
    const m = parseMetrics((await get(server, '/metrics')).body as string);
    assert.equal(m.get('workpool_tasks_finished_total{task="gate",outcome="timed_out"}'), 2);
    assert.equal(m.get('workpool_tasks_finished_total{task="gate",outcome="cancelled"}'), 0);
    assert.equal(m.get('workpool_requests_total{task="gate",outcome="timed_out"}'), 2);
    assert.equal(m.get('workpool_requests_total{task="gate",outcome="cancelled"}'), 0);
    // One name per thing: the per-name series of old (one letter apart) is gone.
    assert.ok(![...m.keys()].some((k) => k.startsWith('workpool_task_finished_total')));
  } finally {
    await server.close();
    await gates.close();
  }
});
