/**
 * `workpool serve --redis URL --queue NAME` and `workpool dashboard --redis URL --queue NAME`
 * as real processes over a real redis-server and one worker process: both serve the
 * cluster page and `/stats`; `serve` acts, `dashboard` is read-only without a token and
 * acts behind one; SIGTERM stops each with exit 0; bad flags exit 2.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runNode } from '../support/children.js';
import { queueName, startWorkerProcess, until, type WorkerProcess } from './helpers.js';
import { startRedis, type TestRedis } from './redis.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

interface Served {
  readonly child: ChildProcess;
  readonly url: string;
}

/** Starts the command and resolves with the URL it prints. */
async function launch(args: readonly string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${err}`)));
  });
  return { child, url };
}

async function stop(served: Served): Promise<number | null> {
  const exited = once(served.child, 'exit');
  served.child.kill('SIGTERM');
  const [code] = await exited;
  return code as number | null;
}

const pause = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/pause`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{}',
  });

describe('workpool serve --redis and workpool dashboard', () => {
  const queue = queueName('cli');
  let redis: TestRedis;
  let worker: WorkerProcess;

  before(async () => {
    redis = await startRedis();
    worker = await startWorkerProcess(redis.url, queue, ['--threads', '1', '--heartbeat', '500']);
  });
  after(async () => {
    await worker?.kill();
    await redis?.stop();
  });

  it('serve --redis shows the cluster and acts on it', async () => {
    const served = await launch(['serve', '--redis', redis.url, '--queue', queue, '--port', '0']);
    try {
      await until('the host shows', async () => {
        const r = await fetch(`${served.url}/stats`);
        if (r.status !== 200) return false;
        const s = (await r.json()) as { hosts: { pid: number }[] };
        return s.hosts.some((h) => h.pid === worker.pid);
      });
      const page = await (await fetch(`${served.url}/`)).text();
      assert.match(page, /Worker hosts/);
      const paused = await pause(served.url);
      assert.equal(paused.status, 200);
      assert.equal(((await paused.json()) as { paused: boolean }).paused, true);
      const resumed = await fetch(`${served.url}/api/resume`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(((await resumed.json()) as { paused: boolean }).paused, false);
    } finally {
      assert.equal(await stop(served), 0);
    }
  });

  it('dashboard is read-only without a token, and acts behind one', async () => {
    const open = await launch(['dashboard', '--redis', redis.url, '--queue', queue, '--port', '0']);
    try {
      assert.equal((await fetch(`${open.url}/stats`)).status, 200);
      const refused = await pause(open.url);
      assert.equal(refused.status, 403);
      assert.equal(
        ((await refused.json()) as { error: { code: string } }).error.code,
        'ERR_READ_ONLY',
      );
      assert.doesNotMatch(await (await fetch(`${open.url}/`)).text(), /id="a-pause"/);
    } finally {
      assert.equal(await stop(open), 0);
    }
    const token = 'cluster-token-1';
    const guarded = await launch(
      ['dashboard', '--redis', redis.url, '--queue', queue, '--port', '0'],
      { WORKPOOL_TOKEN: token },
    );
    try {
      assert.equal((await fetch(`${guarded.url}/stats`)).status, 401);
      const acted = await pause(guarded.url, { authorization: `Bearer ${token}` });
      assert.equal(acted.status, 200);
      const back = await fetch(`${guarded.url}/api/resume`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{}',
      });
      assert.equal(back.status, 200);
    } finally {
      assert.equal(await stop(guarded), 0);
    }
  });

  it('bad flags exit 2 with what to fix', async () => {
    const both = await runNode(
      ['--import', 'tsx', main, 'serve', 'tasks.js', '--redis', redis.url, '--queue', queue],
      { cwd: root },
    );
    assert.equal(both.code, 2);
    assert.match(both.stderr, /either a task module or --redis/);
    const none = await runNode(['--import', 'tsx', main, 'serve', '--redis', redis.url], {
      cwd: root,
    });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--redis needs --queue/);
  });
});
