// A test process that is killed outright (SIGKILL: no exit handler, no `after` hook runs)
// leaves no child behind: the orphan guard in every child spawned by test/support/children.ts
// sees its pipe to the test process end and kills the child.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const parent = fileURLToPath(new URL('./fixtures/parent.ts', import.meta.url));

/** Running (not gone, not a zombie nobody reaped): /proc/<pid>/stat's state is not Z or X. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

test('a SIGKILLed test process leaves no child running', async () => {
  const proc = spawn(process.execPath, ['--import', 'tsx', parent], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8');
  const pid = await new Promise<number>((resolve, reject) => {
    proc.stdout.on('data', (s: string) => {
      out += s;
      const match = /child (\d+)/.exec(out);
      if (match?.[1] !== undefined) resolve(Number(match[1]));
    });
    proc.once('exit', () => reject(new Error(`the parent exited first: ${out}`)));
  });
  assert.ok(running(pid), 'the child runs while its parent does');
  proc.kill('SIGKILL');
  await once(proc, 'exit');
  // Paced by the event loop only; a child that never dies fails by the test timeout.
  while (running(pid)) await new Promise((resolve) => setImmediate(resolve));
});
