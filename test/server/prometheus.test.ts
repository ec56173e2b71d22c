import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { Pool } from '../../src/index.js';
import { registerPoolMetrics } from '../../src/prometheus.js';
import { parseMetrics } from './helpers.js';

test('a pool’s stats scraped through prom-client, parsed back', async () => {
  const pool = new Pool({ concurrency: 2 });
  const registry = new Registry();
  const unregister = registerPoolMetrics(pool, {
    registry,
    prefix: 'app_',
    labels: { pool: 'io' },
  });
  await pool.run(() => 1);
  await assert.rejects(pool.run(() => Promise.reject(new Error('no'))));
  await pool.run(() => 3, { name: 'resize' });
  const text = await registry.metrics();
  assert.match(text, /# TYPE app_tasks_finished_total counter/);
  assert.match(text, /# TYPE app_run_seconds histogram/);
  assert.doesNotMatch(text, /summary|quantile/);
  const m = parseMetrics(text);
  // One series per task name and one for the unnamed: they add up to the pool's total.
  assert.equal(m.get('app_tasks_submitted_total{pool="io"}'), 2);
  assert.equal(m.get('app_tasks_submitted_total{pool="io",task="resize"}'), 1);
  assert.equal(m.get('app_tasks_finished_total{pool="io",outcome="completed"}'), 1);
  assert.equal(m.get('app_tasks_finished_total{pool="io",task="resize",outcome="completed"}'), 1);
  assert.equal(m.get('app_tasks_finished_total{pool="io",outcome="failed"}'), 1);
  assert.equal(m.get('app_tasks_finished_total{pool="io",outcome="timed_out"}'), 0);
  assert.equal(m.get('app_tasks_finished_total{pool="io",outcome="dropped"}'), 0);
  assert.equal(m.get('app_tasks_killed_total{pool="io"}'), 0);
  assert.equal(m.get('app_workers_max{pool="io"}'), 2);
  assert.equal(m.get('app_healthy{pool="io"}'), 1);
  assert.equal(m.get('app_run_seconds_count{pool="io"}'), 2);
  assert.equal(m.get('app_run_seconds_bucket{pool="io",le="+Inf"}'), 2);
  assert.equal(m.get('app_run_seconds_bucket{pool="io",task="resize",le="+Inf"}'), 1);
  // Buckets are cumulative and end at the count.
  const buckets = [...m].filter(([k]) => k.startsWith('app_wait_seconds_bucket{pool="io",le='));
  assert.equal(buckets.length, 19);
  for (let i = 1; i < buckets.length; i++)
    assert.ok((buckets[i]?.[1] ?? 0) >= (buckets[i - 1]?.[1] ?? 0));
  assert.equal(buckets.at(-1)?.[1], 2);

  await pool.run(() => 2);
  assert.equal(
    parseMetrics(await registry.metrics()).get('app_tasks_submitted_total{pool="io"}'),
    3,
  );
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
