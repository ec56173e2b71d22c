/**
 * Fair share by `key` across two real worker processes (no BullMQ Pro). Each job of the
 * `mark` handler appends its start and end to one log file, so the log is the cluster's
 * order of starts, whichever host ran them.
 *
 * - Weights: 24 jobs of key a (weight 3) and 24 of key b wait before the hosts start; each
 *   host runs one job at a time. Each host's starts follow deficit round robin, so in
 *   every prefix of the cluster's starts (while both keys have jobs) a's count is within
 *   1.5 of 3/4 of it (0.75 per host). Both hosts hold their first job until both have
 *   started one, so both take part.
 * - maxPerKey 1 across hosts with two slots each: the first job of key c holds, so with
 *   the cap the free slots can only take other keys' jobs; jobs of keys e and f filling
 *   them proves the hosts passed c by (without the cap they would have run c's jobs at
 *   once and e and f would never start). Over the whole log, never two jobs of c run at
 *   once.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DistributedPool } from '../../src/distributed/index.js';
import { queueName, startWorkerProcess, type Tasks, until, useScratch } from './helpers.js';

interface Line {
  readonly what: 'start' | 'end';
  readonly key: string;
  readonly pid: number;
}

function lines(log: string): Line[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [what, key, pid] = l.split(' ');
      return { what: what as Line['what'], key: key ?? '', pid: Number(pid) };
    });
}

describe('fair share by key across worker processes', () => {
  const scratch = useScratch('fair');

  it('weights: every prefix of the cluster’s starts follows 3:1', async () => {
    const queue = queueName('weights');
    const pool = new DistributedPool<Tasks>({ connection: scratch.redis.connection, queue });
    scratch.pools.push(pool);
    const log = join(scratch.dir, 'weights.log');
    const gate = join(scratch.dir, 'weights.gate');
    const tasks = [];
    for (let i = 0; i < 24; i++) {
      for (const key of ['a', 'b']) {
        tasks.push(await pool.submit('mark', { log, key, gate }, { key }));
      }
    }
    const flags = ['--threads', '1', '--concurrency', '1', '--weight', 'a=3'];
    for (let i = 0; i < 2; i++)
      scratch.workers.push(await startWorkerProcess(scratch.redis.url, queue, flags));
    await until('both hosts hold a job', () => new Set(lines(log).map((l) => l.pid)).size === 2);
    writeFileSync(gate, '');
    const results = await Promise.all(tasks.map((t) => t.result));
    assert.equal(results.filter((k) => k === 'a').length, 24);

    const starts = lines(log).filter((l) => l.what === 'start');
    assert.equal(starts.length, 48);
    let a = 0;
    // a runs out after about 32 starts (24 of a, 8 of b): check while both keys wait.
    for (let m = 1; m <= 28; m++) {
      if (starts[m - 1]?.key === 'a') a++;
      assert.ok(
        Math.abs(a - (3 * m) / 4) <= 1.5,
        `after ${m} starts, ${a} were of key a (expected ${(3 * m) / 4} ± 1.5): ${starts
          .slice(0, m)
          .map((s) => s.key)
          .join('')}`,
      );
    }
    const pids = new Set(starts.map((s) => s.pid));
    assert.deepEqual(pids, new Set(scratch.workers.slice(-2).map((w) => w.pid)));
  });

  it('maxPerKey: one job of a key at a time across hosts; free slots go to other keys', async () => {
    const queue = queueName('cap');
    const pool = new DistributedPool<Tasks>({ connection: scratch.redis.connection, queue });
    scratch.pools.push(pool);
    const log = join(scratch.dir, 'cap.log');
    const gate = (name: string): string => join(scratch.dir, `cap-${name}.gate`);
    const c = [];
    for (let i = 0; i < 3; i++)
      c.push(await pool.submit('mark', { log, key: 'c', gate: gate(`c${i}`) }, { key: 'c' }));
    const d = await pool.submit('mark', { log, key: 'd', gate: gate('d') }, { key: 'd' });
    const flags = ['--threads', '2', '--concurrency', '2', '--max-per-key', '1'];
    for (let i = 0; i < 2; i++)
      scratch.workers.push(await startWorkerProcess(scratch.redis.url, queue, flags));
    const started = (key: string): number =>
      lines(log).filter((l) => l.what === 'start' && l.key === key).length;
    await until(
      'one job of c and the job of d run',
      () => started('c') === 1 && started('d') === 1,
    );
    const more = [];
    for (const key of ['e', 'f'])
      more.push(await pool.submit('mark', { log, key, gate: gate(key) }, { key }));
    // Four slots: c (at its cap), d, e and f. Nothing else can start now.
    await until('the jobs of e and f run', () => started('e') === 1 && started('f') === 1);
    assert.equal(started('c'), 1);

    for (const name of ['d', 'e', 'f', 'c0', 'c1', 'c2']) writeFileSync(gate(name), '');
    await Promise.all([...c, d, ...more].map((t) => t.result));
    let running = 0;
    for (const line of lines(log).filter((l) => l.key === 'c')) {
      running += line.what === 'start' ? 1 : -1;
      assert.ok(running <= 1, 'two jobs of key c ran at once');
    }
    assert.equal(started('c'), 3);
  });
});
