// Threads start whatever `--input-type` the process was started with: an `eval` worker
// inherits it, so the bootstrap must be valid as CommonJS and as an ES module (issue 14).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const index = new URL('../../src/index.ts', import.meta.url).href;
const tasks = new URL('../fixtures/echo.ts', import.meta.url).href;

for (const inputType of ['module', 'commonjs'] as const) {
  test(`a ThreadPool starts threads in a process run with --input-type=${inputType}`, async () => {
    const script =
      inputType === 'module'
        ? `import { ThreadPool } from ${JSON.stringify(index)};
const pool = new ThreadPool({ module: new URL(${JSON.stringify(tasks)}), maxThreads: 1 });
console.log(JSON.stringify(await pool.run('echo', 'hi')));
await pool.close();`
        : `import(${JSON.stringify(index)}).then(async ({ ThreadPool }) => {
const pool = new ThreadPool({ module: new URL(${JSON.stringify(tasks)}), maxThreads: 1 });
console.log(JSON.stringify(await pool.run('echo', 'hi')));
await pool.close();
});`;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', `--input-type=${inputType}`, '-e', script],
      { timeout: 60_000 },
    );
    assert.equal(stdout.trim(), '"hi"');
  });
}
