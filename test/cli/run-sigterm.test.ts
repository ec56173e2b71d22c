// SIGTERM is handled as Ctrl-C is: the running tasks finish and are written, queued ones are
// dropped, the summary is printed, exit 143 (documented). Gated tasks make it deterministic.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { finished, parseResults, startGated, tempDir, until } from './helpers.js';

describe('workpool run: SIGTERM', () => {
  it('finishes the running tasks, writes them, prints the summary and exits 143', async () => {
    const dir = tempDir();
    // Two gated lines run; which two is not fixed (see startedLines).
    const { child, out, running } = await startGated(dir);
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
