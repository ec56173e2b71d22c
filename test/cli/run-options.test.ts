// `--async`, `--timeout`, `--retries`, `--rate`: passed to the pool and visible in results.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonl, parseResults, runCli, tasks } from './helpers.js';

describe('workpool run: pool options', () => {
  it('runs handlers on worker threads by default, on the main thread with --async', async () => {
    const threads = await runCli(['run', tasks, 'where', '-q'], jsonl([{}, {}]));
    assert.deepEqual(
      parseResults(threads.stdout).map((l) => l.value),
      [false, false],
    );
    const inProcess = await runCli(['run', tasks, 'where', '--async', '-q'], jsonl([{}, {}]));
    assert.equal(inProcess.code, 0, inProcess.stderr);
    assert.deepEqual(
      parseResults(inProcess.stdout).map((l) => l.value),
      [true, true],
    );
  });

  it('--timeout fails a task that runs too long, and the run goes on', async () => {
    for (const mode of [['--threads', '1'], ['--async']]) {
      const r = await runCli(
        ['run', tasks, 'hang', '--timeout', '50ms', '-q', ...mode],
        '{}\n{}\n',
      );
      assert.equal(r.code, 1, mode.join(' '));
      const results = parseResults(r.stdout);
      assert.equal(results.length, 2);
      for (const l of results) assert.equal(l.error?.name, 'TaskTimeoutError', mode.join(' '));
    }
  });

  it('--retries tries a failed task again', async () => {
    const input = jsonl([
      { n: 1, fail: 1 },
      { n: 2, fail: 5 },
    ]);
    for (const mode of [['--threads', '1'], ['--async']]) {
      const r = await runCli(
        ['run', tasks, 'flaky', '--retries', '2', '--ordered', '-q', ...mode],
        input,
      );
      assert.equal(r.code, 1, r.stderr);
      const [first, second] = parseResults(r.stdout);
      assert.deepEqual(first, { line: 1, ok: true, value: 2 }, 'succeeded on its 2nd attempt');
      assert.equal(second?.ok, false);
      assert.equal(second?.error?.message, 'attempt 3 failed', 'gave up after 1 + 2 attempts');
    }
  });

  it('--rate is accepted and the run completes', async () => {
    const r = await runCli(
      ['run', tasks, 'double', '--rate', '1000/s', '-q'],
      jsonl([{ n: 1 }, { n: 2 }]),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseResults(r.stdout).length, 2);
  });
});
