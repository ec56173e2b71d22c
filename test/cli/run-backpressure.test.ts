// A slow reader of the output slows the reading of the input: while nobody reads the
// child's stdout, it stops reading its stdin, long before the end of the input.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { finished, spawnCli, tasks } from './helpers.js';

const total = 100_000;
const pad = 'x'.repeat(100);

describe('workpool run: back-pressure', () => {
  it('stops reading input while its output is not read, and resumes when it is', async () => {
    const child = spawnCli(['run', tasks, 'echo', '--threads', '1', '--max-queue', '16', '-q']);
    const stdin = child.stdin;
    const stdout = child.stdout;
    assert.ok(stdin !== null && stdout !== null);
    stdout.pause(); // nobody reads the output (yet)

    let fed = 0;
    let stalledAt = -1;
    while (fed < total) {
      if (stdin.write(`{"n":${fed + 1},"pad":"${pad}"}\n`)) {
        fed++;
        continue;
      }
      fed++;
      // The child is not taking input. A child that ignored back-pressure would keep reading
      // (buffering its output), and 'drain' would come at once. The timer only decides when
      // to look; a correct child never drains until its output is read.
      const drained = await Promise.race([
        once(stdin, 'drain').then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000)),
      ]);
      if (!drained && stalledAt < 0) {
        stalledAt = fed;
        break;
      }
    }
    assert.ok(stalledAt > 0, `the child read all ${total} lines while its output was not read`);
    assert.ok(
      stalledAt < total / 4,
      `stalled only after ${stalledAt} of ${total} lines: memory would grow with the input`,
    );

    // Read the output again: everything flows, nothing was lost.
    let lines = 0;
    let rest = '';
    stdout.setEncoding('utf8');
    stdout.on('data', (s: string) => {
      const parts = (rest + s).split('\n');
      rest = parts.pop() ?? '';
      lines += parts.length;
    });
    stdout.resume();
    for (; fed < total; fed++) {
      if (!stdin.write(`{"n":${fed + 1},"pad":"${pad}"}\n`)) await once(stdin, 'drain');
    }
    stdin.end();
    const { code } = await finished(child);
    assert.equal(code, 0);
    assert.equal(lines, total);
  });
});
