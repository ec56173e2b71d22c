import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ThreadPool } from '../../src/index.js';
import { type Point, serve, type WorkpoolServer } from '../../src/server/index.js';
import { get, parseMetrics, post, start } from './helpers.js';

/** `name{labels} value` lines of a Prometheus text exposition, keyed by name and labels. */

describe('observability routes', () => {
  let server: WorkpoolServer;
  before(async () => {
    server = await start({ threads: 2, sampleInterval: 50 });
  });
  after(() => server.close());

  test('GET /healthz is 200 while the pool is healthy', async () => {
    const answer = await get(server, '/healthz');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { healthy: true });
  });

  test('GET /metrics: Prometheus text whose values move with the work done', async () => {
    const before = parseMetrics((await get(server, '/metrics')).body as string);
    await post(server, 'add', { a: 1, b: 2 });
    await post(server, 'fail', { message: 'x' });
    const response = await get(server, '/metrics');
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const m = parseMetrics(response.body as string);
    // Series are per task name (these tasks all have one): sum them for the pool's total.
    const sum = (text: Map<string, number>, name: string, labels: RegExp = /.*/): number =>
      [...text]
        .filter(([k]) => (k === name || k.startsWith(`${name}{`)) && labels.test(k))
        .reduce((n, [, v]) => n + v, 0);
    const delta = (name: string, labels?: RegExp): number =>
      sum(m, name, labels) - sum(before, name, labels);
    assert.equal(delta('workpool_tasks_submitted_total'), 2);
    assert.equal(delta('workpool_tasks_finished_total', /outcome="completed"/), 1);
    assert.equal(delta('workpool_tasks_finished_total', /outcome="failed"/), 1);
    assert.equal(m.get('workpool_workers'), 2);
    assert.equal(m.get('workpool_healthy'), 1);
    assert.equal(m.get('workpool_queued'), 0);
    assert.ok(sum(m, 'workpool_run_seconds_count') >= 2);
    assert.equal(
      sum(m, 'workpool_run_seconds_bucket', /le="\+Inf"/),
      sum(m, 'workpool_run_seconds_count'),
    );
    assert.doesNotMatch(response.body as string, /quantile=/);
    assert.equal(m.get('workpool_tasks_finished_total{task="add",outcome="completed"}'), 1);
    assert.equal(m.get('workpool_tasks_finished_total{task="fail",outcome="failed"}'), 1);
    // The server's own figures are of requests, under their own name.
    assert.equal(m.get('workpool_requests_total{task="add",outcome="completed"}'), 1);
    assert.equal(m.get('workpool_requests_total{task="fail",outcome="failed"}'), 1);
    assert.equal(m.get('workpool_request_seconds_count{task="add"}'), 1);
    assert.equal(m.get('workpool_request_seconds_bucket{task="add",le="+Inf"}'), 1);
  });

  test('GET /stats: the pool’s stats and per-task figures as JSON', async () => {
    await post(server, 'add', { a: 1, b: 2 });
    const body = (await get(server, '/stats')).body as {
      pool: { workers: number; completed: number; healthy: boolean };
      tasks: Record<string, { completed: number; latency: { count: number } }>;
    };
    assert.equal(body.pool.workers, 2);
    assert.equal(body.pool.healthy, true);
    assert.ok(body.pool.completed >= 1);
    assert.ok((body.tasks.add?.completed ?? 0) >= 1);
    assert.equal(body.tasks.add?.latency.count, body.tasks.add?.completed);
  });

  test('GET /events: one point per interval; GET /api/history: the kept series', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/events`, { signal: controller.signal });
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
    assert.ok(reader);
    let text = '';
    const events: string[] = [];
    while (events.length < 3) {
      const chunk = await reader.read();
      assert.equal(chunk.done, false);
      text += chunk.value;
      const parts = text.split('\n\n');
      text = parts.pop() ?? '';
      events.push(...parts);
    }
    controller.abort();
    assert.equal(events[0], 'retry: 2000');
    const sample = JSON.parse((events[1] ?? '').replace(/^data: /, '')) as Point;
    assert.equal(sample.threads, 2);
    assert.equal(sample.healthy, true);
    assert.equal(sample.mode, 'running');
    for (const key of ['waiting', 'running', 'delayed', 'retrying', 'utilization'] as const) {
      assert.equal(typeof sample[key], 'number', key);
    }
    assert.equal(typeof sample.rates.completed, 'number');
    assert.equal(typeof sample.requests.refused, 'number');
    const history = await fetch(`${server.url}/api/history`, {
      headers: { 'accept-encoding': 'gzip' },
    });
    assert.equal(history.headers.get('content-encoding'), 'gzip');
    const series = (await history.json()) as { fine: Point[]; fineSize: number };
    assert.ok(series.fine.length >= 1);
    assert.equal(series.fineSize, 300);
    for (const key of ['p50', 'p95', 'p99'] as const) {
      assert.ok(sample[key] === null || typeof sample[key] === 'number', key);
    }
  });
});

test('GET /healthz is 503 with the error when the task module does not load', async () => {
  const pool = new ThreadPool({
    module: new URL('../fixtures/throws-at-import.js', import.meta.url),
    maxThreads: 1,
    loadRetries: 0,
  });
  await new Promise<void>((resolve) => pool.on('health', (h) => h.healthy || resolve()));
  const server = await serve({ pool, port: 0 });
  try {
    const answer = await get(server, '/healthz');
    assert.equal(answer.status, 503);
    const body = answer.body as { healthy: boolean; error: string };
    assert.equal(body.healthy, false);
    assert.match(body.error, /.+/);
    const task = await post(server, 'anything', {});
    assert.equal(task.status, 503);
    assert.equal((task.body as { error: { code: string } }).error.code, 'ERR_TASK_MODULE');
  } finally {
    await server.close();
    await pool.close();
  }
});
