import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyFilters,
  boxBlur,
  decodePng,
  encodePng,
  generateSample,
  grayscale,
  invert,
  parseFilters,
  type RgbaImage,
  sampleImage,
  seededRandom,
  sepia,
  solidImage,
} from '../../src/images/index.js';

function noise(width: number, height: number, seed: number): RgbaImage {
  const random = seededRandom(seed);
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : Math.floor(random() * 256);
  return { width, height, data };
}

function variance(image: RgbaImage, channel: number): number {
  const values: number[] = [];
  for (let i = channel; i < image.data.length; i += 4) values.push(image.data[i] ?? 0);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
}

function pixels(image: RgbaImage): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  const d = image.data;
  for (let i = 0; i < d.length; i += 4)
    out.push([d[i] ?? 0, d[i + 1] ?? 0, d[i + 2] ?? 0, d[i + 3] ?? 0]);
  return out;
}

describe('image filters', () => {
  it('grayscale makes R = G = B for every pixel and keeps alpha', () => {
    const input = noise(16, 9, 1);
    const out = grayscale(input);
    for (const [r, g, b, a] of pixels(out)) {
      assert.equal(r, g);
      assert.equal(g, b);
      assert.equal(a, 255);
    }
    assert.deepEqual(pixels(grayscale(solidImage(1, 1, [255, 0, 0, 7]))), [[76, 76, 76, 7]]);
  });

  it('blur of a uniform image is unchanged, for any radius', () => {
    const flat = solidImage(13, 7, [10, 200, 33, 128]);
    for (const radius of [0, 1, 2, 5, 20]) assert.deepEqual(boxBlur(flat, radius).data, flat.data);
  });

  it('blur reduces the variance of noise, more with a larger radius', () => {
    const input = noise(64, 64, 2);
    const v0 = variance(input, 0);
    const v1 = variance(boxBlur(input, 1), 0);
    const v3 = variance(boxBlur(input, 3), 0);
    assert.ok(v1 < v0 / 4, `radius 1: ${v1} vs ${v0}`);
    assert.ok(v3 < v1, `radius 3: ${v3} vs ${v1}`);
  });

  it('blur averages a window with clamped edges', () => {
    // One row: 0 0 90 0 0, radius 1 → 0 30 30 30 0.
    const row: RgbaImage = { width: 5, height: 1, data: new Uint8Array(20) };
    row.data[8] = 90;
    assert.deepEqual(
      pixels(boxBlur(row, 1)).map((p) => p[0]),
      [0, 30, 30, 30, 0],
    );
    assert.throws(() => boxBlur(row, -1), RangeError);
  });

  it('invert twice is the identity; sepia keeps alpha and warms gray', () => {
    const input = noise(8, 8, 3);
    assert.deepEqual(invert(invert(input)).data, input.data);
    const [r, g, b, a] = pixels(sepia(solidImage(1, 1, [100, 100, 100, 9])))[0] ?? [];
    assert.ok(r !== undefined && g !== undefined && b !== undefined);
    assert.ok(r > g && g > b);
    assert.equal(a, 9);
  });

  it('filters never modify their input', () => {
    const input = noise(8, 8, 4);
    const copy = new Uint8Array(input.data);
    applyFilters(input, ['grayscale', 'sepia', 'invert', 'blur']);
    assert.deepEqual(input.data, copy);
    const same = applyFilters(input, []);
    assert.deepEqual(same.data, copy);
    assert.notEqual(same.data, input.data);
  });

  it('applyFilters runs left to right; parseFilters checks names', () => {
    const input = noise(8, 8, 5);
    assert.deepEqual(
      applyFilters(input, ['grayscale', 'invert']).data,
      invert(grayscale(input)).data,
    );
    assert.deepEqual(parseFilters(' grayscale, blur,'), ['grayscale', 'blur']);
    assert.throws(() => parseFilters('grayscale,sharpen'), /sharpen/);
  });
});

describe('sample images and PNG', () => {
  it('generateSample is deterministic, different per index, and decodes to its size', () => {
    assert.deepEqual(generateSample(3, 32), generateSample(3, 32));
    assert.notDeepEqual(sampleImage(3, 32).data, sampleImage(4, 32).data);
    const png = generateSample(0, 48);
    assert.equal(png.byteOffset, 0);
    assert.equal(
      png.byteLength,
      png.buffer.byteLength,
      'owns its buffer, so it can be transferred',
    );
    const image = decodePng(png);
    assert.equal(image.width, 48);
    assert.equal(image.height, 48);
    assert.deepEqual(image.data, sampleImage(0, 48).data);
  });

  it('encodePng → decodePng round-trips pixels', () => {
    const input = noise(5, 3, 6);
    assert.deepEqual(decodePng(encodePng(input)).data, input.data);
  });
});
