import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runNode } from '../support/children.js';

test('a process that used a pool and closed it exits on its own', async () => {
  const script = fileURLToPath(new URL('./fixtures/exit-after-close.ts', import.meta.url));
  const { code, signal, stdout, stderr } = await runNode(['--import', 'tsx', script]);
  assert.equal(signal, null, `child was killed: it did not exit on its own\n${stderr}`);
  assert.equal(code, 0, stderr);
  const out = JSON.parse(stdout.trim());
  assert.equal(out.settled, 21);
  assert.deepEqual(out.report, {
    submitted: 22,
    started: 22,
    completed: 20,
    failed: 0,
    cancelled: 1,
    timedOut: 1,
    dropped: 0,
    rejected: 0,
    retried: 0,
    killed: 0,
  });
});
