import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spawnNode } from '../support/children.js';

const script = fileURLToPath(new URL('../fixtures/exit-script.ts', import.meta.url));

/** Runs the script in a child process; resolves with its exit code and output. */
function run(mode: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnNode(['--import', 'tsx', script, mode], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    // A failure guard only: a process that does not exit on its own fails here.
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child (${mode}) did not exit on its own`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout });
    });
  });
}

for (const mode of ['close', 'terminate', 'timeout', 'idle', 'cancel', 'timeouts']) {
  test(`after ${mode}, the process exits on its own with code 0`, async () => {
    const { code, stdout } = await run(mode);
    assert.equal(code, 0);
    assert.equal(stdout.trim(), 'ok,ok,ok');
  });
}
