import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spawnNode } from '../support/children.js';
import { Gates, post, tasksModule } from './helpers.js';

const cli = fileURLToPath(new URL('./fixtures/cli.ts', import.meta.url));

interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  /** Resolves when stderr has printed a line matching `re`. */
  stderr(re: RegExp): Promise<void>;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  exit: Promise<number | null>;
}

/** `workpool serve` in a child process; resolves once it listens. */
async function serveProcess(...args: string[]): Promise<Served> {
  const child = spawnNode(
    [
      '--import',
      'tsx',
      cli,
      'serve',
      fileURLToPath(tasksModule),
      '--port',
      '0',
      '--threads',
      '1',
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  let err = '';
  const waiters: [RegExp, () => void][] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    for (const [re, resolve] of waiters) if (re.test(err)) resolve();
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /on (http:\/\/\S+) /.exec(out);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    void exit.then((code) => reject(new Error(`exited ${code} before listening: ${err}`)));
  });
  return {
    child,
    url,
    exit,
    output: () => out + err,
    stderr: (re) =>
      re.test(err) ? Promise.resolve() : new Promise((resolve) => waiters.push([re, resolve])),
  };
}

/** True once the server no longer takes new requests (connection refused, or 503 while closing). */
async function refusing(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { headers: { connection: 'close' } });
    await response.arrayBuffer();
    return response.status === 503;
  } catch {
    return true;
  }
}

let gates: Gates;
before(async () => {
  gates = await Gates.open();
});
after(() => gates.close());

test('SIGTERM: stops accepting, lets the in-flight request finish, exits 0', async () => {
  const served = await serveProcess('--drain-timeout', '60s');
  const answer = post(served, 'gate', { port: gates.port });
  const gate = await gates.next();
  served.child.kill('SIGTERM');
  await served.stderr(/SIGTERM: draining/);
  while (!(await refusing(served.url))) await new Promise((resolve) => setImmediate(resolve));
  gate.open('finished');
  const a = await answer;
  assert.deepEqual([a.status, a.body], [200, 'finished']);
  assert.equal(await served.exit, 0);
  await served.stderr(/stopped/);
});

test('SIGTERM: past --drain-timeout the in-flight request is cancelled (503), and it still exits 0', async () => {
  const served = await serveProcess('--drain-timeout', '100');
  const answer = post(served, 'gate', { port: gates.port });
  const gate = await gates.next();
  served.child.kill('SIGTERM');
  const a = await answer;
  assert.equal(a.status, 503);
  const error = (a.body as { error: { name: string; code: string } }).error;
  assert.equal(error.name, 'ShuttingDownError');
  assert.equal(error.code, 'ERR_SHUTTING_DOWN');
  await gate.closed;
  assert.equal(await served.exit, 0);
});

test('workpool serve --read-only: the actions answer 403; a token given is never printed', async () => {
  const token = 'never-printed-token-42';
  const served = await serveProcess('--read-only', '--token', token);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const pause = await fetch(`${served.url}/api/pause`, { method: 'POST', headers, body: '{}' });
  assert.equal(pause.status, 403);
  assert.equal(((await pause.json()) as { error: { code: string } }).error.code, 'ERR_READ_ONLY');
  const login = await fetch(`${served.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  assert.equal(login.status, 303);
  served.child.kill('SIGTERM');
  assert.equal(await served.exit, 0);
  assert.ok(!served.output().includes(token), 'the token is not in the output');
});
