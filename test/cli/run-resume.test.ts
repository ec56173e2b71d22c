// --resume continues a run from its output file, ordered or not, and runs no line twice:
// an interrupted run is resumed, and every input line ends with exactly one result line.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  finished,
  jsonl,
  parseResults,
  runCli,
  spawnCli,
  tasks,
  tempDir,
  until,
  watchOutput,
} from './helpers.js';

/** Runs started so far for line `n` (the `gated` handler leaves `started-<n>` behind). */
function starts(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('started-'));
}

describe('workpool run --resume', () => {
  for (const ordered of [false, true]) {
    it(`continues an interrupted ${ordered ? 'ordered' : 'unordered'} run without running a line twice`, async () => {
      const dir = tempDir();
      const gates = tempDir();
      const input = join(dir, 'in.jsonl');
      const output = join(dir, 'out.jsonl');
      // Lines 1, 2, 5 finish at once; 3, 4 wait on the gate; the rest wait too.
      const lines = Array.from({ length: 12 }, (_, i) => {
        const n = i + 1;
        return n === 1 || n === 2 || n === 5 ? { n } : { n, dir: gates };
      });
      writeFileSync(input, jsonl(lines));
      const flags = ['--threads', '2', '--progress-interval', '1h', '-i', input, '-o', output];
      if (ordered) flags.push('--ordered');
      const first = spawnCli(['run', tasks, 'gated', ...flags]);
      const out = watchOutput(first);
      await until(() => starts(gates).length === 2);
      first.kill('SIGINT');
      await until(() => out.stderr().includes('Interrupted'));
      writeFileSync(join(gates, 'open'), '');
      const a = await finished(first);
      assert.equal(a.code, 130, a.stderr);
      const before = parseResults(readFileSync(output, 'utf8')).map((l) => l.line);
      assert.ok(before.length > 0 && before.length < 12);
      // Forget who started: the second run's starts are then exactly the lines it ran.
      for (const f of starts(gates)) rmSync(join(gates, f));

      // The gate stays open: the second run finishes everything that has no result yet.
      const b = await runCli(['run', tasks, 'gated', ...flags, '--resume']);
      assert.equal(b.code, 0, b.stderr);
      assert.match(b.stderr, new RegExp(`${before.length} already done \\(--resume\\)`));
      const all = parseResults(readFileSync(output, 'utf8'));
      assert.deepEqual(
        all.map((l) => l.line).sort((x, y) => x - y),
        lines.map((l) => l.n),
        'every line has exactly one result',
      );
      assert.ok(all.every((l) => l.ok && l.value === l.line));
      // The second run started exactly the gated lines that had no result.
      const ranSecond = starts(gates)
        .map((f) => Number(f.slice('started-'.length)))
        .sort((x, y) => x - y);
      assert.deepEqual(
        ranSecond,
        lines.filter((l) => l.dir !== undefined && !before.includes(l.n)).map((l) => l.n),
        'no line with a result ran again',
      );
      if (ordered)
        assert.deepEqual(
          all.map((l) => l.line),
          lines.map((l) => l.n),
          'ordered stays ordered',
        );
    });
  }

  it('--strict then --resume: nothing after the bad line runs in the first run, so no line runs twice', async () => {
    const dir = tempDir();
    const held = tempDir(); // line 1 waits here until the test opens it
    const open = tempDir(); // every other line passes at once, leaving started-<n>
    writeFileSync(join(open, 'open'), '');
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    const good = [3, 4, 5, 6];
    writeFileSync(
      input,
      `${JSON.stringify({ n: 1, dir: held })}\n{bad\n${good.map((n) => JSON.stringify({ n, dir: open })).join('\n')}\n`,
    );
    const flags = ['--threads', '2', '--progress-interval', '1h', '-i', input, '-o', output];
    // Ordered, with line 1 held: a run that found the bad line only when writing its result
    // would have read and run lines 3-6 on the free thread meanwhile, and dropped them.
    const first = spawnCli(['run', tasks, 'gated', ...flags, '--ordered', '--strict']);
    const done = finished(first);
    await until(() => starts(held).length === 1);
    writeFileSync(join(held, 'open'), '');
    const a = await done;
    assert.equal(a.code, 1, a.stderr);
    assert.match(a.stderr, /stopped at malformed line 2: --strict/);
    assert.deepEqual(starts(open), [], 'no line after the bad one ran');
    assert.deepEqual(
      parseResults(readFileSync(output, 'utf8')).map((l) => [l.line, l.ok]),
      [
        [1, true],
        [2, false],
      ],
    );

    const b = await runCli(['run', tasks, 'gated', ...flags, '--strict', '--resume']);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stderr, /2 already done \(--resume\)/);
    assert.deepEqual(
      starts(open)
        .map((f) => Number(f.slice('started-'.length)))
        .sort((x, y) => x - y),
      good,
      'the resumed run ran each remaining line once',
    );
    const all = parseResults(readFileSync(output, 'utf8'));
    assert.deepEqual(
      all.map((l) => l.line).sort((x, y) => x - y),
      [1, 2, ...good],
      'every line has exactly one result',
    );
  });

  it('a last line cut short is dropped and that line runs again; the file stays valid', async () => {
    const dir = tempDir();
    const output = join(dir, 'out.jsonl');
    writeFileSync(output, '{"line":1,"ok":true,"value":2}\n{"line":3,"ok":tr');
    const r = await runCli(
      ['run', tasks, 'double', '--resume', '-o', output],
      jsonl([{ n: 1 }, { n: 2 }, { n: 3 }]),
    );
    assert.equal(r.code, 0, r.stderr);
    const all = parseResults(readFileSync(output, 'utf8'));
    assert.deepEqual(
      all.map((l) => [l.line, l.value]).sort((x, y) => Number(x[0]) - Number(y[0])),
      [
        [1, 2],
        [2, 4],
        [3, 6],
      ],
    );
  });

  it('needs --output, and refuses a file that is not a run’s output', async () => {
    const r = await runCli(['run', tasks, 'double', '--resume'], jsonl([{ n: 1 }]));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--resume needs --output/);
    const dir = tempDir();
    const other = join(dir, 'notes.txt');
    writeFileSync(other, 'hello\nworld\n');
    const s = await runCli(['run', tasks, 'double', '--resume', '-o', other], jsonl([{ n: 1 }]));
    assert.equal(s.code, 2);
    assert.match(s.stderr, /line 1 is not a result line/);
    assert.equal(readFileSync(other, 'utf8'), 'hello\nworld\n', 'left as it was');
  });
});
