// The progress bar of `workpool run` counts the running tasks' own progress (ctx.progress).
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { bytesDone, readLines } from '../../src/cli/lines.js';
import { fractionOf, PartialProgress } from '../../src/cli/partial.js';
import { startProgress } from '../../src/cli/progress.js';
import { Pool } from '../../src/index.js';
import { gate } from '../helpers.js';

test('fractionOf reads a number from 0 to 1 or { done, total }, and nothing else', () => {
  assert.equal(fractionOf(0.25), 0.25);
  assert.equal(fractionOf({ done: 3, total: 4 }), 0.75);
  assert.equal(fractionOf({ done: 9, total: 4 }), 1);
  for (const v of [1.5, -1, 'half', null, { done: 1 }, { done: 1, total: 0 }])
    assert.equal(fractionOf(v), undefined, String(v));
});

test('PartialProgress sums the running tasks’ fractions and drops a task when it ends', async () => {
  const pool = new Pool({ concurrency: 2 });
  const partial = new PartialProgress(pool);
  const a = gate();
  const b = gate();
  const reported = gate();
  let reports = 0;
  const report = (): void => {
    if (++reports === 3) reported.open();
  };
  const ta = pool.run(async (ctx) => {
    ctx.progress(0.5);
    report();
    await a.wait;
  });
  const tb = pool.run(async (ctx) => {
    ctx.progress({ done: 1, total: 4 });
    report();
    ctx.progress({ done: 2, total: 4 });
    report();
    await b.wait;
  });
  await reported.wait;
  assert.equal(partial.sum, 1);
  a.open();
  await ta;
  assert.equal(partial.sum, 0.5);
  b.open();
  await tb;
  assert.equal(partial.sum, 0);
  partial.stop();
  await pool.close();
});

test('the plain progress line shows the part of running lines done', async () => {
  const line = gate<string>();
  const stream = {
    isTTY: false,
    write(text: string): boolean {
      line.open(text);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  const progress = startProgress(
    { done: () => 3, failed: () => 0, partial: () => 1.5 },
    { stream, label: 'run', unit: 'lines', total: undefined, interval: 1, quiet: false },
  );
  const text = await line.wait;
  progress.stop();
  assert.match(text, /^run: 3 \(\+1\.50\) lines done, 0 failed/);
});

test('progress counts the bytes of lines done, not of lines read ahead of the work', async () => {
  const position = { bytes: 0, lines: 0 };
  const read: string[] = [];
  for await (const line of readLines(
    Readable.from(['{"n":1}\n{"n":2}\n', '{"n":3}\n{"n":4}']),
    position,
  ))
    read.push(line.text);
  assert.equal(read.length, 4);
  assert.deepEqual(position, { bytes: 31, lines: 4 });
  // Everything is read (a small file is, at once); nothing done yet is 0%, not 100%.
  assert.equal(bytesDone(position, 0), 0);
  assert.equal(bytesDone(position, 2), 15.5);
  assert.equal(bytesDone(position, 4), 31);
  assert.equal(bytesDone({ bytes: 0, lines: 0 }, 0), 0);
});
