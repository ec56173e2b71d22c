import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { Pool } from '../../src/index.js';
import { registerPoolMetrics } from '../../src/prometheus.js';

function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match !== null) out.set(match[1] ?? '', Number(match[2]));
  }
  return out;
}

test('a pool’s stats scraped through prom-client, parsed back', async () => {
  const pool = new Pool({ concurrency: 2 });
  const registry = new Registry();
  const unregister = registerPoolMetrics(pool, {
    registry,
    prefix: 'app_',
    labels: { pool: 'io' },
    tasks: () =>
      new Map([['resize', { completed: 3, failed: 1, cancelled: 0, timedOut: 2, rejected: 4 }]]),
  });
  await pool.run(() => 1);
  await assert.rejects(pool.run(() => Promise.reject(new Error('no'))));
  const text = await registry.metrics();
  assert.match(text, /# TYPE app_tasks_finished_total counter/);
  assert.match(text, /# TYPE app_run_seconds summary/);
  const m = parse(text);
  assert.equal(m.get('app_tasks_submitted_total{pool="io"}'), 2);
  assert.equal(m.get('app_tasks_finished_total{pool="io",outcome="completed"}'), 1);
  assert.equal(m.get('app_tasks_finished_total{pool="io",outcome="failed"}'), 1);
  assert.equal(m.get('app_workers_max{pool="io"}'), 2);
  assert.equal(m.get('app_healthy{pool="io"}'), 1);
  assert.equal(m.get('app_run_seconds_count{pool="io"}'), 2);
  assert.ok((m.get('app_run_seconds{pool="io",quantile="0.5"}') ?? -1) >= 0);
  assert.equal(m.get('app_task_finished_total{pool="io",task="resize",outcome="timed_out"}'), 2);
  assert.equal(m.get('app_task_finished_total{pool="io",task="resize",outcome="rejected"}'), 4);

  await pool.run(() => 2);
  assert.equal(parse(await registry.metrics()).get('app_tasks_submitted_total{pool="io"}'), 3);
  unregister();
  assert.equal(await registry.metrics(), '\n');
  await pool.close();
});

test('an invalid prefix is a TypeError', async () => {
  const pool = new Pool();
  assert.throws(
    () => registerPoolMetrics(pool, { registry: new Registry(), prefix: '9-bad' }),
    TypeError,
  );
  await pool.close();
});
