/**
 * `serve({ cluster })` over real parts: a redis-server of its own, two `workpool worker`
 * processes (heartbeat 500 ms), a DistributedPool submitting. The server shows both hosts
 * as rows with counts that match the jobs run; its actions work on the cluster (pause
 * stops starts, resume restarts, cancel reaches a CPU-bound job running in another
 * process, retry runs a failed job again), with typed errors; a killed host goes stale,
 * then gone; Redis stopped gives a typed error state, and the server recovers when Redis
 * returns. Every wait is a bounded poll of state, never a sleep.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskCancelledError } from '../../src/index.js';
import type { ClusterSnapshot, Series } from '../../src/server/index.js';
import { until, type WorkerProcess } from './helpers.js';
import { useServedCluster } from './served.js';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown> & {
    error?: { name: string; code: string; message: string };
  };
}

async function request(server: { url: string }, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

describe('serve({ cluster }) with two worker processes', () => {
  const c = useServedCluster('cluster-serve', { sampleInterval: 50, timeout: 1000 });

  const stats = async (): Promise<ClusterSnapshot> => {
    const answer = await request(c.server, '/stats');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body as unknown as ClusterSnapshot;
  };
  const live = (s: ClusterSnapshot) => s.hosts.filter((h) => h.status === 'live');

  it('shows both hosts as rows, with counts that match the jobs run', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => c.pool.run('add', { a: i, b: 1 })));
    await until('the server shows 20 completed on two live hosts', async () => {
      const s = await stats();
      return s.totals.completed === 20 && live(s).length === 2;
    });
    const s = await stats();
    assert.deepEqual(new Set(s.hosts.map((h) => h.pid)), new Set(c.workers.map((w) => w.pid)));
    for (const h of s.hosts) {
      assert.equal(h.threads, 1);
      assert.equal(h.healthy, true);
      assert.equal(typeof h.lastSeen, 'number');
    }
    assert.equal(
      s.hosts.reduce((n, h) => n + (h.completed ?? 0), 0),
      20,
    );
    assert.equal(s.cluster.runTime.count, 20);
    assert.equal(s.paused, false);
    // The page's points carry the same: totals, run-time percentiles, the host rows.
    await until('a point shows the 20 jobs', async () => {
      const series = (await request(c.server, '/api/history')).body as unknown as Series;
      const p = series.fine.at(-1);
      return p?.totals.completed === 20 && p.hosts.length === 2 && p.healthy;
    });
  });

  it('pause stops starts on every host; resume starts them again', async (t) => {
    // Resumed whatever happens, so the tests after this one run.
    t.after(() => request(c.server, '/api/resume', {}));
    const paused = await request(c.server, '/api/pause', {});
    assert.equal(paused.status, 200);
    assert.equal(paused.body.ok, true);
    assert.equal(paused.body.paused, true);
    const task = await c.pool.submit('add', { a: 1, b: 2 });
    // A waiting job cancelled from the page is removed; its caller gets TaskCancelledError.
    const doomed = await c.pool.submit('add', { a: 0, b: 0 });
    const removed = await request(c.server, `/api/tasks/${doomed.id}/cancel`, {});
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.equal(removed.body.done, 'removed');
    await assert.rejects(doomed.result, TaskCancelledError);
    // Two heartbeats of every host later the job has still not started anywhere.
    const seen = new Map((await stats()).hosts.map((h) => [h.id, h.lastSeen ?? 0]));
    let beats = 0;
    await until('every host has heartbeaten twice', async () => {
      const s = await stats();
      if (live(s).every((h) => (h.lastSeen ?? 0) > (seen.get(h.id) ?? 0))) {
        beats++;
        for (const h of s.hosts) seen.set(h.id, h.lastSeen ?? 0);
      }
      return beats >= 2;
    });
    // Waiting (BullMQ keeps a job with a priority in `prioritized`), not begun.
    assert.ok(['waiting', 'prioritized'].includes(await c.bull.getJobState(task.id)));
    assert.equal((await stats()).cluster.waiting, 1);
    const resumed = await request(c.server, '/api/resume', {});
    assert.equal(resumed.status, 200);
    assert.equal(resumed.body.paused, false);
    assert.equal(await task.result, 3);
  });

  it('cancel reaches a CPU-bound job running on another process', async () => {
    const task = await c.pool.submit('forever');
    await until('the job runs', async () => (await c.bull.getJobState(task.id)) === 'active');
    const listed = await request(c.server, '/api/tasks');
    const tasks = listed.body.tasks as { id: string; state: string; cancellable: boolean }[];
    assert.deepEqual(
      tasks.map((t) => [t.id, t.state]),
      [[task.id, 'running']],
    );
    const cancelled = await request(c.server, `/api/tasks/${task.id}/cancel`, {});
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.was, 'running');
    assert.equal(cancelled.body.done, 'signalled');
    await assert.rejects(task.result, TaskCancelledError);
    // The hosts stay up and serve: both run a job each (their one thread was replaced).
    const pids = new Set(
      await Promise.all([c.pool.run('pid'), c.pool.run('pid'), c.pool.run('pid')]),
    );
    assert.ok([...pids].every((p) => c.workers.some((w) => w.pid === p)));
    // Ended jobs cannot be cancelled; unknown ids are 404, bad ones 400, in one shape.
    const again = await request(c.server, `/api/tasks/${task.id}/cancel`, {});
    assert.equal(again.status, 409);
    assert.equal(again.body.error?.code, 'ERR_JOB_STATE');
    const unknown = await request(c.server, '/api/tasks/no-such-job/cancel', {});
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error?.code, 'ERR_JOB_NOT_FOUND');
    assert.equal(unknown.body.error?.name, 'ActionError');
    const bad = await request(c.server, `/api/tasks/${encodeURIComponent('a:b')}/cancel`, {});
    assert.equal(bad.status, 400);
  });

  it("the lists and cancel reach a keyed job, in its key's lane", async () => {
    const task = await c.pool.submit('forever', undefined, { key: 'tenant-a' });
    await until('the keyed job is listed as running', async () => {
      const listed = await request(c.server, '/api/tasks');
      const tasks = listed.body.tasks as { id: string; state: string; key: string | null }[];
      return tasks.some((t) => t.id === task.id && t.state === 'running' && t.key === 'tenant-a');
    });
    const cancelled = await request(c.server, `/api/tasks/${task.id}/cancel`, {});
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.done, 'signalled');
    await assert.rejects(task.result, TaskCancelledError);
  });

  it('retry runs a failed job again', async () => {
    const task = await c.pool.submit('flaky', { dir: c.dir, failures: 1 });
    await assert.rejects(task.result, /attempt 1 fails/);
    const list = await request(c.server, '/api/failures?outcome=failed');
    const failures = list.body.failures as {
      id: string;
      error: { message: string };
      retryable: boolean;
    }[];
    const failure = failures.find((f) => f.id === task.id);
    assert.ok(failure !== undefined, JSON.stringify(list.body));
    assert.equal(failure.error.message, 'attempt 1 fails');
    assert.equal(failure.retryable, true);
    const one = await request(c.server, `/api/failures/${task.id}`);
    assert.match(String((one.body.failure as { stack: string }).stack), /attempt 1 fails/);
    const retried = await request(c.server, `/api/failures/${task.id}/retry`, {});
    assert.equal(retried.status, 202, JSON.stringify(retried.body));
    assert.equal(retried.body.retry, task.id);
    await until(
      'the retried job completes',
      async () => (await c.bull.getJobState(task.id)) === 'completed',
    );
    const job = await c.bull.getJob(task.id);
    assert.ok(job?.returnvalue !== undefined);
    // Only a failed job can be retried.
    const twice = await request(c.server, `/api/failures/${task.id}/retry`, {});
    assert.equal(twice.status, 409);
    assert.equal(twice.body.error?.code, 'ERR_JOB_STATE');
    const unknown = await request(c.server, '/api/failures/nope/retry', {});
    assert.equal(unknown.status, 404);
  });

  it('a killed host goes stale, then gone; its counts stay in the totals', async () => {
    // Every job so far: 20 + 1 (pause) + 3 (pid) + 1 (the retried one); the adverts say so
    // once each host has heartbeaten since.
    const ran = 25;
    await until('the totals show every job', async () => (await stats()).totals.completed === ran);
    const victim = c.workers[0] as WorkerProcess;
    await victim.kill();
    const row = async () => (await stats()).hosts.find((h) => h.id === victim.id);
    await until('the killed host is gone', async () => (await row())?.status === 'gone');
    const gone = await row();
    assert.ok(gone?.staleSince !== undefined && gone.goneSince !== undefined);
    assert.ok(gone.staleSince < gone.goneSince, 'stale before gone');
    assert.ok(gone.staleSince > (gone.lastSeen ?? 0));
    const after = await stats();
    assert.equal(after.totals.completed, ran);
    assert.equal(live(after).length, 1);
    c.workers = c.workers.filter((w) => w !== victim);
  });

  it('Redis stopped: a typed error state, then recovery when it returns', async () => {
    await c.redis.kill();
    await until('the server reports Redis unavailable', async () => {
      const answer = await request(c.server, '/stats');
      return answer.status === 503;
    });
    const down = await request(c.server, '/stats');
    assert.equal(down.body.error?.code, 'ERR_REDIS_UNAVAILABLE');
    assert.match(String(down.body.error?.message), /Redis at 127\.0\.0\.1:\d+/);
    const health = await request(c.server, '/healthz');
    assert.equal(health.status, 503);
    assert.match(String(health.body.error), /RedisUnavailableError/);
    const action = await request(c.server, '/api/pause', {});
    assert.equal(action.status, 503);
    assert.equal(action.body.error?.code, 'ERR_REDIS_UNAVAILABLE');
    await until('a point says Redis is unavailable', async () => {
      const series = (await request(c.server, '/api/history')).body as unknown as Series;
      const p = series.fine.at(-1);
      return p?.healthy === false && /RedisUnavailableError/.test(p.error ?? '');
    });
    await c.redis.restart();
    await until('the server reads the cluster again', async () => {
      const answer = await request(c.server, '/stats');
      if (answer.status !== 200) return false;
      return live(answer.body as unknown as ClusterSnapshot).length === 1;
    });
    assert.equal(await c.pool.run('add', { a: 2, b: 2 }), 4);
  });
});
