// In a real terminal (tmux), Ctrl-C and SIGTERM leave a clean screen: the progress bar is
// erased before the message, and the summary is the last thing on it, with no fragment of
// the bar anywhere. Gated tasks make the moment of the signal deterministic.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Terminal } from '../support/terminal.js';
import { cliPath, jsonl, parseResults, startedLines, tasks, tempDir, until } from './helpers.js';

/** A run of 20 lines in a 80 × 24 terminal: 1-2 finish at once, 3 and 4 wait on the gate. */
function startRun(): { term: Terminal; gate: string; output: string } {
  const dir = tempDir();
  const gate = tempDir();
  const input = join(dir, 'in.jsonl');
  const output = join(dir, 'out.jsonl');
  const lines: { n: number; dir?: string }[] = [{ n: 1 }, { n: 2 }];
  for (let n = 3; n <= 20; n++) lines.push({ n, dir: gate });
  writeFileSync(input, jsonl(lines));
  const argv = [process.execPath, cliPath(), 'run', tasks, 'gated', '--threads', '2'];
  const term = Terminal.open([...argv, '-i', input, '-o', output], {
    columns: 80,
    rows: 24,
    cwd: dir,
  });
  return { term, gate, output };
}

const bar = /lines done|[█░]/;

async function interruptedRun(stop: (term: Terminal) => void, message: RegExp) {
  const { term, gate, output } = startRun();
  try {
    // The bar is on the screen and two gated lines run (which two is not fixed: see startedLines).
    await until(
      () => term.screen().some((row) => bar.test(row)) && startedLines(gate).length === 2,
    );
    const running = startedLines(gate);
    stop(term);
    await until(() => term.screen().some((row) => message.test(row)));
    writeFileSync(join(gate, 'open'), '');
    await until(() => term.exitStatus() !== undefined);
    const rows = term.screen().filter((row) => row !== '' && !/^Pane is dead/.test(row));
    return {
      status: term.exitStatus(),
      rows,
      running,
      results: parseResults(readFileSync(output, 'utf8')),
    };
  } finally {
    term.close();
  }
}

function assertClean(rows: readonly string[], message: RegExp): void {
  assert.equal(
    rows.length,
    3,
    `the screen holds the message and the summary only:\n${rows.join('\n')}`,
  );
  assert.match(rows[0] ?? '', message);
  assert.match(
    rows[1] ?? '',
    /^workpool run: 4 lines: 4 ok, 0 failed, 16 not run \(interrupted\)$/,
  );
  assert.match(rows[2] ?? '', /^ {2}wall .*; task time /);
  for (const row of rows) assert.doesNotMatch(row, bar, 'no fragment of the progress bar');
}

describe('workpool run in a terminal', () => {
  it('Ctrl-C: the bar is erased and the summary is the last thing on the screen', async () => {
    const message = /^Interrupted: finishing running tasks \(Ctrl-C again: stop at once\)$/;
    const r = await interruptedRun((term) => term.keys('C-c'), message);
    assert.equal(r.status, 130);
    assertClean(r.rows, message);
    assert.deepEqual(
      r.results.map((l) => l.line).sort((a, b) => a - b),
      [1, 2, ...r.running],
    );
  });

  it('SIGTERM: the same clean screen, exit 143', async () => {
    const message =
      /^Terminated \(SIGTERM\): finishing running tasks \(a signal again: stop at once\)$/;
    const r = await interruptedRun((term) => process.kill(term.pid, 'SIGTERM'), message);
    assert.equal(r.status, 143);
    assertClean(r.rows, message);
  });
});
