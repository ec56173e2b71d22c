/**
 * One image job, decode → filters → encode, as a plain synchronous function: the `process`
 * task handler runs it in a thread, and the examples run it on the main thread to measure
 * the sequential time the tutorial only estimates. `decodeAndFilter` and `encodeImage` are
 * its two halves, for a pipeline that runs them as separate thread stages.
 */
import { readFileSync } from 'node:fs';
import { applyFilters, type FilterName, type FilterOptions, type RgbaImage } from './filters.js';
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

/** The first half of `processPng`, for a pipeline's thread stage: PNG bytes to filtered pixels. */
export interface FilterInput extends FilterOptions {
  /** Passed through untouched, so the item keeps its name across threads. */
  readonly name: string;
  /** PNG bytes (any colour type and bit depth pngjs reads). */
  readonly png: Uint8Array;
  readonly filters: readonly FilterName[];
}

export interface FilteredImage {
  readonly name: string;
  readonly image: RgbaImage;
  /** Time spent decoding and filtering, in ms. */
  readonly ms: number;
}

export function decodeAndFilter(input: FilterInput): FilteredImage {
  const started = performance.now();
  const options = input.radius === undefined ? {} : { radius: input.radius };
  const image = applyFilters(decodePng(input.png), input.filters, options);
  return { name: input.name, image, ms: performance.now() - started };
}

/** The second half: filtered pixels to PNG bytes (owning their buffer, so transferable). */
export interface EncodedImage {
  readonly name: string;
  readonly png: Uint8Array<ArrayBuffer>;
  readonly width: number;
  readonly height: number;
  /** Time spent encoding, in ms. */
  readonly ms: number;
}

export function encodeImage(input: {
  readonly name: string;
  readonly image: RgbaImage;
}): EncodedImage {
  const started = performance.now();
  const { image } = input;
  const png = encodePng(image);
  return {
    name: input.name,
    png,
    width: image.width,
    height: image.height,
    ms: performance.now() - started,
  };
}

/** The pixels' buffer, if the image owns all of it (a view into a larger one is copied instead). */
export function movable(image: RgbaImage): ArrayBuffer[] {
  const { buffer, byteOffset, byteLength } = image.data;
  return buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength
    ? [buffer]
    : [];
}
