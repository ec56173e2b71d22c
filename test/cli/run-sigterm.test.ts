// SIGTERM is handled as Ctrl-C is: the running tasks finish and are written, queued ones are
// dropped, the summary is printed, exit 143 (documented). Gated tasks make it deterministic.
import assert from 'node:assert/strict';
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
  until,
  watchOutput,
} from './helpers.js';

describe('workpool run: SIGTERM', () => {
  it('finishes the running tasks, writes them, prints the summary and exits 143', async () => {
    const dir = tempDir();
    const child = spawnCli(['run', tasks, 'gated', '--threads', '2', '--progress-interval', '1h']);
    const out = watchOutput(child);
    const lines: { n: number; dir?: string }[] = [{ n: 1 }, { n: 2 }];
    for (let n = 3; n <= 20; n++) lines.push({ n, dir });
    child.stdin?.write(jsonl(lines));
    // Two gated lines run; which two is not fixed (see startedLines).
    await until(() => parseResults(out.stdout()).length === 2 && startedLines(dir).length === 2);
    const running = startedLines(dir);
    child.kill('SIGTERM');
    await until(() => out.stderr().includes('Terminated (SIGTERM)'));
    writeFileSync(join(dir, 'open'), '');
    const { code, signal } = await finished(child);
    assert.equal(signal, null, 'handled, not killed by the signal');
    assert.equal(code, 143);
    assert.deepEqual(
      parseResults(out.stdout()).sort((a, b) => a.line - b.line),
      [1, 2, ...running].map((n) => ({ line: n, ok: true, value: n })),
      'the tasks in flight were finished and written',
    );
    assert.match(out.stderr(), /4 lines: 4 ok, 0 failed, 16 not run \(interrupted\)/);
  });
});
