import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runNode } from '../support/children.js';

const script = fileURLToPath(new URL('../fixtures/exit-script.ts', import.meta.url));

for (const mode of ['close', 'terminate', 'timeout', 'idle', 'cancel', 'timeouts']) {
  test(`after ${mode}, the process exits on its own with code 0`, async () => {
    const { code, signal, stdout, stderr } = await runNode(['--import', 'tsx', script, mode]);
    assert.equal(signal, null, `the child (${mode}) did not exit on its own\n${stderr}`);
    assert.equal(code, 0, stderr);
    assert.equal(stdout.trim(), 'ok,ok,ok');
  });
}
