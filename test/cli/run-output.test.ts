// `workpool run`: one result line per input line, in files or on stdio, ordered on request.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { jsonl, parseResults, runCli, tasks, tempDir } from './helpers.js';

const numbers = (n: number) => Array.from({ length: n }, (_, i) => ({ n: i + 1 }));

describe('workpool run: results', () => {
  it('writes one result per line, numbered, and exits 0 when all succeed', async () => {
    const r = await runCli(['run', tasks, 'double', '--threads', '2'], jsonl(numbers(50)));
    assert.equal(r.code, 0, r.stderr);
    const results = parseResults(r.stdout).sort((a, b) => a.line - b.line);
    assert.deepEqual(
      results,
      numbers(50).map(({ n }) => ({ line: n, ok: true, value: n * 2 })),
    );
    assert.match(r.stderr, /50 lines: 50 ok, 0 failed/);
    assert.match(r.stderr, /p50 .* p95 .* p99 /);
  });

  it('reports failed and malformed lines with their numbers, goes on, and exits 1', async () => {
    const input = '{"n":2}\n{"n":3}\nnot json\n\n{"n":4}\r\n{"n":5}';
    const r = await runCli(['run', tasks, 'evenOnly', '--ordered', '--threads', '2'], input);
    assert.equal(r.code, 1, r.stderr);
    const results = parseResults(r.stdout);
    assert.deepEqual(
      results.map((l) => [l.line, l.ok]),
      [
        [1, true],
        [2, false],
        [3, false],
        [5, true],
        [6, false],
      ],
      'the blank line 4 is skipped but counted; \\r\\n and a last line without \\n are lines',
    );
    assert.deepEqual(results[1]?.error, { name: 'RangeError', message: 'odd: 3' });
    assert.equal(results[2]?.error?.name, 'SyntaxError');
    assert.match(r.stderr, /5 lines: 2 ok, 3 failed \(1 of them malformed\)/);
  });

  it("a failed line's error keeps its code; one line is '1 line'", async () => {
    const r = await runCli(['run', tasks, 'hang', '--timeout', '100ms', '--threads', '1'], '{}\n');
    assert.equal(r.code, 1, r.stderr);
    const [line] = parseResults(r.stdout);
    assert.equal(line?.error?.name, 'TaskTimeoutError');
    assert.equal((line?.error as { code?: string } | undefined)?.code, 'ERR_TASK_TIMEOUT');
    assert.match(r.stderr, /workpool run: 1 line: 0 ok, 1 failed\n/);
  });

  it('--ordered writes results in input order', async () => {
    const r = await runCli(
      ['run', tasks, 'later', '--async', '--concurrency', '8', '--ordered', '-q'],
      jsonl(numbers(500)),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      parseResults(r.stdout).map((l) => l.line),
      numbers(500).map(({ n }) => n),
    );
  });

  it('reads --input and writes --output files; `-` means stdio', async () => {
    const dir = tempDir();
    const input = join(dir, 'jobs.jsonl');
    const output = join(dir, 'results.jsonl');
    writeFileSync(input, jsonl(numbers(20)));
    const r = await runCli(['run', tasks, 'double', '--input', input, '--output', output]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(parseResults(readFileSync(output, 'utf8')).length, 20);

    const piped = await runCli(['run', tasks, 'double', '-i', '-', '-o', '-'], jsonl(numbers(3)));
    assert.equal(parseResults(piped.stdout).length, 3);
  });

  it('an empty input is a successful run with no output', async () => {
    const r = await runCli(['run', tasks, 'double'], '');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
  });

  it('--quiet prints neither progress nor summary', async () => {
    const r = await runCli(['run', tasks, 'double', '--quiet'], jsonl(numbers(3)));
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });

  it('--strict stops at the first malformed line and exits 1', async () => {
    const lines = ['{"n":1}', '{"n":2}', '{oops', ...numbers(2000).map((n) => JSON.stringify(n))];
    const r = await runCli(
      ['run', tasks, 'double', '--strict', '--threads', '1', '--max-queue', '0', '--ordered'],
      `${lines.join('\n')}\n`,
    );
    assert.equal(r.code, 1, r.stderr);
    const results = parseResults(r.stdout);
    assert.deepEqual(
      results.slice(0, 3).map((l) => [l.line, l.ok]),
      [
        [1, true],
        [2, true],
        [3, false],
      ],
    );
    assert.equal(results.length, 3, 'nothing is written after the malformed line');
    assert.match(r.stderr, /stopped at malformed line 3: --strict/);
  });

  it('--strict writes nothing after the first bad line, however many bad lines were read ahead', async () => {
    const lines = ['{"n":1}', '{bad', '{worse', '{"n":4}', 'nope', '{"n":6}'];
    for (const ordered of [[], ['--ordered']]) {
      const r = await runCli(
        ['run', tasks, 'double', '--strict', '--threads', '1', ...ordered],
        `${lines.join('\n')}\n`,
      );
      assert.equal(r.code, 1, r.stderr);
      const results = parseResults(r.stdout);
      assert.ok(
        results.every((l) => l.line <= 2),
        JSON.stringify(results),
      );
      assert.deepEqual(
        results.find((l) => l.line === 2)?.error?.name,
        'SyntaxError',
        'the bad line itself is written',
      );
    }
  });
});
