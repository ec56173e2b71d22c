import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as imageReal from '../../examples/image-processing-real.js';
import { createIO } from '../../examples/io.js';
import * as taskTypesThreads from '../../examples/task-types-threads.js';
import { decodePng, generateSample, sampleImage, sampleName } from '../../src/images/index.js';

// These run real threads on the system clock; they assert what was computed and printed,
// never how long it took (timings belong in bench/).

function collect() {
  const lines: string[] = [];
  return { lines, io: createIO({ log: (line) => lines.push(line) }) };
}

describe('image-processing-real', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'workpool-test-images-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes grayscale, blurred PNGs of the right size and prints the summary', async () => {
    const { io, lines } = collect();
    const out = join(dir, 'generated');
    const report = await imageReal.main(io, { count: 3, size: 64, output: out, threads: 2 });

    assert.equal(report.outputDir, out);
    assert.deepEqual(report.images.map((i) => i.name).sort(), [0, 1, 2].map(sampleName));
    for (const [i, name] of [0, 1, 2].map((k) => [k, sampleName(k)] as const)) {
      const file = join(out, name.replace('.png', '_filtered.png'));
      const image = decodePng(await readFile(file));
      assert.equal(image.width, 64);
      assert.equal(image.height, 64);
      const d = image.data;
      for (let p = 0; p < d.length; p += 4) {
        assert.ok(
          d[p] === d[p + 1] && d[p + 1] === d[p + 2],
          `${name}: pixel ${p / 4} is not gray`,
        );
      }
      assert.notDeepEqual(d, sampleImage(i, 64).data, 'differs from the input');
      assert.ok(
        lines.some((l) =>
          l.startsWith(`Processed: ${name} → ${name.replace('.png', '_filtered.png')} (took `),
        ),
      );
      assert.ok(lines.includes(`Worker thread processing image: ${name}`));
    }
    assert.ok(lines.some((l) => /^Summary: Processed 3 images in \d+ms using 2 threads$/.test(l)));
    assert.ok(
      lines.some((l) => /^Sequential processing \(measured, main thread\): \d+ms$/.test(l)),
    );
    assert.ok(lines.some((l) => /^Speedup factor: \d+\.\d\dx$/.test(l)));
    assert.ok(report.sequentialMs > 0 && report.wallMs > 0);
  });

  it('reads a folder of PNGs with `input`, with the filters asked for', async () => {
    const input = join(dir, 'in');
    await mkdir(input);
    await writeFile(join(input, 'a.png'), generateSample(7, 32));
    await writeFile(join(input, 'notes.txt'), 'not an image');
    const { io } = collect();
    const out = join(dir, 'from-folder');
    const report = await imageReal.main(io, {
      input,
      output: out,
      filters: ['invert'],
      threads: 1,
    });
    assert.deepEqual(
      report.images.map((i) => i.name),
      ['a.png'],
    );
    const image = decodePng(await readFile(join(out, 'a_filtered.png')));
    const original = sampleImage(7, 32).data;
    assert.equal(image.data[0], 255 - (original[0] ?? 0));
  });
});

describe('task-types-threads', () => {
  it('runs several handlers of one task module by name', async () => {
    const { io, lines } = collect();
    const result = await taskTypesThreads.main(io);
    assert.equal(result.length, 4);
    assert.match(lines[0] ?? '', /^fibonacci\(27\) = 196418 {2}\[thread \d+\]$/);
    assert.match(lines[1] ?? '', /^primes below 2,000,000: 148933 /);
    assert.match(lines[2] ?? '', /^sha256\^10000\("gopher"\) = [0-9a-f]{16}… /);
    assert.match(lines[3] ?? '', /^fibonacci\(20\) = 6765 /);
  });
});
