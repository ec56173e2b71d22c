// Ctrl-C: the running tasks finish and are written, queued ones are dropped, the summary is
// printed, exit 130. A second Ctrl-C exits 130 at once. Gated tasks make it deterministic:
// SIGINT is sent while two gated lines are known to be running (which two is not fixed: see
// startedLines), and the gate opens after.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  finished,
  jsonl,
  parseResults,
  spawnCli,
  startedLines,
  tasks,
  tempDir,
} from './helpers.js';

/** Resolves when `predicate` holds; polls, which only paces the wait (nothing is decided by time). */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 10));
}

function start(dir: string): { child: ChildProcess; output: () => string; errors: () => string } {
  const child = spawnCli(['run', tasks, 'gated', '--threads', '2', '--progress-interval', '1h']);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  // Lines 1-2 finish at once; 3.. wait on the gate. Two threads: two of them run, the rest wait.
  const lines = [{ n: 1 }, { n: 2 }];
  for (let n = 3; n <= 20; n++) lines.push({ n, dir } as { n: number });
  child.stdin?.write(jsonl(lines)); // stdin stays open: the input has not ended at Ctrl-C
  return { child, output: () => stdout, errors: () => stderr };
}

describe('workpool run: Ctrl-C', () => {
  it('finishes the running tasks, writes them, prints the summary and exits 130', async () => {
    const dir = tempDir();
    const { child, output, errors } = start(dir);
    await until(() => parseResults(output()).length === 2 && startedLines(dir).length === 2);
    const running = startedLines(dir);
    child.kill('SIGINT');
    await until(() => errors().includes('Interrupted'));
    writeFileSync(join(dir, 'open'), '');
    const { code } = await finished(child);

    assert.equal(code, 130);
    const results = parseResults(output()).sort((a, b) => a.line - b.line);
    assert.deepEqual(
      results,
      [1, 2, ...running].map((n) => ({ line: n, ok: true, value: n })),
      'what ran was written; nothing else',
    );
    assert.deepEqual(startedLines(dir), running, 'no other line started');
    assert.match(errors(), /4 lines: 4 ok, 0 failed, 16 not run \(interrupted\)/);
  });

  it('a second Ctrl-C exits 130 at once, without waiting for the running tasks', async () => {
    const dir = tempDir();
    const { child, output, errors } = start(dir);
    await until(() => parseResults(output()).length === 2 && startedLines(dir).length === 2);
    child.kill('SIGINT');
    await until(() => errors().includes('Interrupted'));
    child.kill('SIGINT');
    const { code } = await finished(child);
    assert.equal(code, 130);
    assert.match(errors(), /Interrupted twice/);
    assert.deepEqual(
      parseResults(output())
        .map((l) => l.line)
        .sort(),
      [1, 2],
      'lines done before the first Ctrl-C had been written',
    );
  });
});
