// `workpool images`: the PNGs it writes decode, keep their input's size, and differ from the
// inputs as the filter says; without a folder it generates (and caches) a sample set.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { runCli, tempDir } from './helpers.js';

interface Image {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

function read(path: string): Image {
  const png = PNG.sync.read(readFileSync(path));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}

/** A colourful image: every pixel has R, G and B different. */
function write(path: string, width: number, height: number): Image {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data[i * 4] = (i * 7) % 200;
    png.data[i * 4 + 1] = 210 + (i % 40);
    png.data[i * 4 + 2] = 201 + ((i * 3) % 9);
    png.data[i * 4 + 3] = 255;
  }
  writeFileSync(path, PNG.sync.write(png));
  return read(path);
}

function folder(): { dir: string; inputs: Map<string, Image> } {
  const dir = tempDir();
  const inputs = new Map<string, Image>();
  for (const [name, w, h] of [
    ['a.png', 40, 30],
    ['b.png', 64, 64],
    ['c.png', 17, 9],
  ] as const) {
    inputs.set(name, write(join(dir, name), w, h));
  }
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
  return { dir, inputs };
}

describe('workpool images', () => {
  it('grayscale: same sizes, R = G = B everywhere, and the summary with the speedup', async () => {
    const { dir, inputs } = folder();
    const out = join(tempDir(), 'out');
    const r = await runCli([
      'images',
      dir,
      '--out',
      out,
      '--filter',
      'grayscale',
      '--threads',
      '2',
      '-q',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['a.png', 'b.png', 'c.png']);
    for (const [name, input] of inputs) {
      const output = read(join(out, name));
      assert.equal(output.width, input.width, name);
      assert.equal(output.height, input.height, name);
      for (let i = 0; i < output.data.length; i += 4) {
        assert.ok(
          output.data[i] === output.data[i + 1] && output.data[i] === output.data[i + 2],
          `${name}: pixel ${i / 4} is not gray`,
        );
      }
      assert.notDeepEqual(output.data, input.data, `${name} changed`);
    }
    assert.match(r.stderr, /3 images, filters grayscale, 2 threads/);
    assert.match(
      r.stderr,
      /wall time .*\n.*sequential .*measured.*\n.*speedup +\d+\.\d\dx on 2 threads/,
    );
  });

  it('invert: every colour channel becomes 255 minus itself, alpha kept', async () => {
    const { dir, inputs } = folder();
    const out = join(tempDir(), 'out');
    const r = await runCli([
      'images',
      dir,
      '--out',
      out,
      '--filter',
      'invert',
      '--sequential',
      '0',
      '-q',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /speedup/, '--sequential 0 skips the baseline');
    for (const [name, input] of inputs) {
      const output = read(join(out, name));
      const expected = input.data.map((v, i) => (i % 4 === 3 ? v : 255 - v));
      assert.deepEqual(output.data, expected, name);
    }
  });

  it('without a folder, generates a deterministic sample set once and processes it', async () => {
    const tmp = tempDir();
    const out = join(tmp, 'out');
    const args = ['images', '--count', '2', '--size', '32', '--out', out, '--threads', '1', '-q'];
    const first = await runCli(args, '', { env: { TMPDIR: tmp } });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /Generating 2 sample images \(32x32\)/);
    assert.match(first.stderr, /2 images \(32x32\), filters grayscale, blur/);
    const samples = join(tmp, 'workpool-samples', '32px-x2');
    const bytes = readFileSync(join(samples, 'sample-01.png'));
    assert.deepEqual(readdirSync(out).sort(), ['sample-01.png', 'sample-02.png']);

    const second = await runCli(args, '', { env: { TMPDIR: tmp } });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /Using 2 cached sample images/);
    assert.deepEqual(readFileSync(join(samples, 'sample-01.png')), bytes);
  });

  it('exit 2 for a missing folder, a folder without PNGs, and an unknown filter', async () => {
    const missing = await runCli(['images', '/no/such/folder']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read image folder \/no\/such\/folder/);
    const empty = await runCli(['images', tempDir()]);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /No \.png files in/);
    const filter = await runCli(['images', '--filter', 'grayscale,sharpen']);
    assert.equal(filter.code, 2);
    assert.match(
      filter.stderr,
      /Unknown: sharpen\. Expected a comma-separated list of: grayscale, sepia, invert, blur/,
    );
  });

  it('a file that is not a PNG fails alone: the others are written, exit 1', async () => {
    const { dir } = folder();
    writeFileSync(join(dir, 'broken.png'), 'not a png');
    const out = join(tempDir(), 'out');
    const r = await runCli(['images', dir, '--out', out, '-q']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /broken\.png: Not a PNG image: it does not start with the PNG signature \(9 bytes\)/,
    );
    assert.deepEqual(readdirSync(out).sort(), ['a.png', 'b.png', 'c.png']);
  });
});
