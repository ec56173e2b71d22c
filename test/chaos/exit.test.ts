/**
 * After chaos (crashed, killed and out-of-memory threads, zombies, never-settling tasks,
 * close and terminate), the process exits on its own: no timer, thread or handle of a pool
 * keeps it alive (DESIGN.md invariant 3).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runNode } from '../support/children.js';

const script = fileURLToPath(new URL('./fixtures/exit-child.ts', import.meta.url));

for (const seed of [1, 2]) {
  test(`after random chaos schedules (seed ${seed}), the process exits on its own`, async () => {
    // The guard only keeps a child that does not exit from hanging the suite.
    const { code, signal, stdout, stderr } = await runNode(
      ['--import', 'tsx', script, String(seed)],
      {
        guardMs: 90_000,
      },
    );
    assert.equal(signal, null, `the child did not exit on its own\n${stderr}`);
    assert.equal(code, 0, stderr);
    // The child may print more (test helpers it imports load node:test): find its summary.
    const summary = stdout.split('\n').find((line) => line.startsWith('{"ran"'));
    assert.deepEqual(JSON.parse(summary ?? 'null'), { ran: 26 }, stdout);
  });
}
