// Constant memory: peak RSS with 200,000 input lines is about that with 20,000. The 10x
// longer input (≈ 90 MB in and out) may not grow the peak by more than 30 MB, so a leak
// of even ~170 bytes a line (less than one line of input) fails.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { finished, fixtures, spawnCli, tasks, tempDir } from './helpers.js';

const pad = 'x'.repeat(200);

/** Peak RSS (KiB) of a run over `lines` generated lines, fed to stdin with back-pressure. */
async function peakRss(lines: number): Promise<number> {
  const file = join(tempDir(), 'rss');
  const child = spawnCli(['run', tasks, 'echo', '--threads', '1', '-q'], {
    node: ['--import', join(fixtures, 'max-rss.mjs')],
    env: { WORKPOOL_MAX_RSS_FILE: file },
  });
  let count = 0;
  let rest = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    const parts = (rest + s).split('\n');
    rest = parts.pop() ?? '';
    count += parts.length;
  });
  const done = finished(child);
  const stdin = child.stdin;
  assert.ok(stdin !== null);
  for (let n = 1; n <= lines; n++) {
    if (!stdin.write(`{"n":${n},"pad":"${pad}"}\n`)) await once(stdin, 'drain');
  }
  stdin.end();
  const { code } = await done;
  assert.equal(code, 0);
  assert.equal(count, lines);
  return Number(readFileSync(file, 'utf8'));
}

describe('workpool run: memory', () => {
  it('peak RSS does not grow with the length of the input', async () => {
    const small = await peakRss(20_000);
    const large = await peakRss(200_000);
    const growth = (large - small) / 1024;
    assert.ok(
      growth < 30,
      `peak RSS grew ${growth.toFixed(1)} MiB from 20k to 200k lines (${small} → ${large} KiB)`,
    );
  });
});
