/**
 * `clusterStats()` sees the whole cluster: two worker processes, the jobs of one pool,
 * and the figures added up from the hosts' adverts (heartbeat 100 ms here): completed,
 * failed, retried, the merged latency histograms, and each host with its threads and
 * health; and `workpool cluster` printing them. Waits are for the next adverts (a bound,
 * not a timing assertion).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { until, useCluster } from './helpers.js';

describe('clusterStats across two worker processes', () => {
  const c = useCluster('stats', { workers: 2, flags: ['--threads', '1', '--heartbeat', '100'] });

  it('adds up the hosts: counts, merged percentiles, each host with threads and health', async () => {
    const jobs = [];
    for (let i = 0; i < 20; i++) jobs.push(c.pool.run('add', { a: i, b: 1 }));
    await Promise.all(jobs);
    const dir = mkdtempSync(join(tmpdir(), 'workpool-stats-'));
    try {
      await c.pool.run('flaky', { dir, failures: 1 }, { retries: { attempts: 1, delay: 1 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await assert.rejects(c.pool.run('fail'));

    await until('the adverts show every job', async () => {
      const cluster = (await c.pool.clusterStats()).cluster;
      return cluster?.completed === 21 && cluster.failed === 1;
    });
    const cluster = (await c.pool.clusterStats()).cluster;
    assert.ok(cluster !== undefined);
    assert.equal(cluster.retried, 1);
    assert.equal(cluster.waiting, 0);
    assert.equal(cluster.running, 0);
    // Every attempt that ran: 20 + 2 (flaky) + 1 (fail), across both hosts.
    assert.equal(cluster.runTime.count, 23);
    assert.equal(cluster.waitTime.count, 23);
    assert.ok(cluster.runTime.p50 <= cluster.runTime.p99);
    assert.ok(cluster.throughput >= 0);
    assert.equal(cluster.workers.length, 2);
    assert.deepEqual(
      new Set(cluster.workers.map((w) => w.pid)),
      new Set(c.workers.map((w) => w.pid)),
    );
    for (const w of cluster.workers) {
      assert.equal(w.threads, 1);
      assert.equal(w.healthy, true);
      assert.equal('histograms' in w, false);
    }
    assert.equal(
      cluster.workers.reduce((n, w) => n + w.completed, 0),
      21,
    );
    // A JSON shape (what a dashboard reads).
    assert.deepEqual(JSON.parse(JSON.stringify(cluster)), cluster);
  });

  it('workpool cluster prints the same figures as JSON', async () => {
    const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const args = ['--import', 'tsx', main, 'cluster', '--redis', c.redis.url, '--queue', c.queue];
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args);
    assert.equal(stderr, '', 'hosts advertise: no hint');
    const printed = JSON.parse(stdout);
    assert.equal(printed.completed, 21);
    assert.equal(printed.failed, 1);
    assert.equal(printed.workers.length, 2);
    assert.equal(printed.runTime.count, 23);
    assert.equal(typeof printed.throughput, 'number');
  });

  it('workpool cluster on a queue no host serves says so on stderr (a misspelt --queue)', async () => {
    const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const args = [
      '--import',
      'tsx',
      main,
      'cluster',
      '--redis',
      c.redis.url,
      '--queue',
      `${c.queue}-typo`,
    ];
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args);
    assert.equal(JSON.parse(stdout).workers.length, 0);
    assert.equal(
      stderr,
      `workpool: no worker host advertises on queue "${c.queue}-typo" (prefix "bull"); check --queue and --prefix\n`,
    );
  });
});
