// Ctrl-C: the running tasks finish and are written, queued ones are dropped, the summary is
// printed, exit 130. A second Ctrl-C exits 130 at once. Gated tasks make it deterministic:
// SIGINT is sent while two gated lines are known to be running (which two is not fixed: see
// startedLines), and the gate opens after.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { finished, parseResults, startedLines, startGated, tempDir, until } from './helpers.js';

describe('workpool run: Ctrl-C', () => {
  it('finishes the running tasks, writes them, prints the summary and exits 130', async () => {
    const dir = tempDir();
    const { child, out, running } = await startGated(dir);
    child.kill('SIGINT');
    await until(() => out.stderr().includes('Interrupted'));
    writeFileSync(join(dir, 'open'), '');
    const { code } = await finished(child);

    assert.equal(code, 130);
    const results = parseResults(out.stdout()).sort((a, b) => a.line - b.line);
    assert.deepEqual(
      results,
      [1, 2, ...running].map((n) => ({ line: n, ok: true, value: n })),
      'what ran was written; nothing else',
    );
    assert.deepEqual(startedLines(dir), running, 'no other line started');
    assert.match(out.stderr(), /4 lines: 4 ok, 0 failed, 16 not run \(interrupted\)/);
  });

  it('a second Ctrl-C exits 130 at once, without waiting for the running tasks', async () => {
    const dir = tempDir();
    const { child, out } = await startGated(dir);
    child.kill('SIGINT');
    await until(() => out.stderr().includes('Interrupted'));
    child.kill('SIGINT');
    const { code } = await finished(child);
    assert.equal(code, 130);
    assert.match(out.stderr(), /Interrupted twice/);
    assert.deepEqual(
      parseResults(out.stdout())
        .map((l) => l.line)
        .sort(),
      [1, 2],
      'lines done before the first Ctrl-C had been written',
    );
  });
});
