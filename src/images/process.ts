/**
 * One image job, decode → filters → encode, as a plain synchronous function: the `process`
 * task handler runs it in a thread, and the examples run it on the main thread to measure
 * the sequential time the tutorial only estimates.
 */
import { readFileSync } from 'node:fs';
import { applyFilters, type FilterName, type FilterOptions } from './filters.js';
import { decodePng, encodePng } from './png.js';

export interface ProcessInput extends FilterOptions {
  /** PNG bytes, or the path of a PNG file (read in the thread). */
  readonly png: Uint8Array | string;
  /** Applied left to right, e.g. `['grayscale', 'blur']`. */
  readonly filters: readonly FilterName[];
}

export interface ProcessOutput {
  /** The filtered image, PNG-encoded (8-bit RGBA). Owns its buffer, so it can be transferred. */
  readonly png: Uint8Array<ArrayBuffer>;
  readonly width: number;
  readonly height: number;
  /** Time spent decoding, filtering and encoding, in ms. */
  readonly ms: number;
}

export function processPng(input: ProcessInput): ProcessOutput {
  const started = performance.now();
  const bytes = typeof input.png === 'string' ? readFileSync(input.png) : input.png;
  const image = decodePng(bytes);
  const options = input.radius === undefined ? {} : { radius: input.radius };
  const png = encodePng(applyFilters(image, input.filters, options));
  return { png, width: image.width, height: image.height, ms: performance.now() - started };
}
