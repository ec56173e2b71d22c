/**
 * Deterministic sample images, so the image examples, tests and benchmarks need no
 * downloads: `generateSample(i)` is the same PNG on every machine and every run.
 */
import type { RgbaImage } from './filters.js';
import { encodePng } from './png.js';

/** Side of a sample image in pixels. @default 1024 */
export const defaultSampleSize = 1024;

/** mulberry32: a tiny, good-enough seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Disc {
  readonly x: number;
  readonly y: number;
  readonly r2: number;
  readonly rgb: readonly [number, number, number];
}

/**
 * Sample image number `index` as RGBA pixels, `size` x `size`: a two-colour diagonal
 * gradient, a few opaque discs, and per-pixel noise (so blurs have something to smooth),
 * all derived from `index`. Fully opaque.
 */
export function sampleImage(index: number, size: number = defaultSampleSize): RgbaImage {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`Expected \`size\` to be an integer from 1 and up, got \`${size}\``);
  }
  const random = seededRandom(0x9e3779b9 ^ Math.imul(index + 1, 0x85ebca6b));
  const color = (): [number, number, number] => [byte(random), byte(random), byte(random)];
  const from = color();
  const to = color();
  const angle = random() * Math.PI * 2;
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  const discs: Disc[] = Array.from({ length: 3 + Math.floor(random() * 4) }, () => {
    const r = size * (0.05 + random() * 0.15);
    return { x: random() * size, y: random() * size, r2: r * r, rgb: color() };
  });

  const data = new Uint8Array(size * size * 4);
  const span = Math.abs(dx) + Math.abs(dy);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Gradient position in [0, 1] along the chosen direction.
      const t = ((x / size - 0.5) * dx + (y / size - 0.5) * dy) / span + 0.5;
      let r = from[0] + (to[0] - from[0]) * t;
      let g = from[1] + (to[1] - from[1]) * t;
      let b = from[2] + (to[2] - from[2]) * t;
      for (const d of discs) {
        if ((x - d.x) ** 2 + (y - d.y) ** 2 <= d.r2) [r, g, b] = d.rgb;
      }
      const noise = (random() - 0.5) * 16;
      const i = (y * size + x) * 4;
      data[i] = channel(r + noise);
      data[i + 1] = channel(g + noise);
      data[i + 2] = channel(b + noise);
      data[i + 3] = 255;
    }
  }
  return { width: size, height: size, data };
}

/** Sample image number `index`, encoded as PNG bytes (owning their buffer, so transferable). */
export function generateSample(
  index: number,
  size: number = defaultSampleSize,
): Uint8Array<ArrayBuffer> {
  return encodePng(sampleImage(index, size));
}

/** A file name for sample `index`: `sample-01.png`, ... */
export function sampleName(index: number): string {
  return `sample-${String(index + 1).padStart(2, '0')}.png`;
}

function byte(random: () => number): number {
  return Math.floor(random() * 256);
}

function channel(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
