/**
 * The image task module: load it in a `ThreadPool` (see `imageTaskModule` in ./index.ts).
 * Handlers only; it imports pngjs and `workpool/task`, never the pool.
 *
 * ```ts
 * const pool = new ThreadPool<ImageTasks>({ module: imageTaskModule });
 * const out = await pool.run('process', { png, filters: ['grayscale', 'blur'] }, { transfer: [png.buffer] });
 * ```
 */
import { threadId } from 'node:worker_threads';
import { type HandlerContext, transfer } from '../task.js';
import type { RgbaImage } from './filters.js';
import {
  decodeAndFilter,
  type EncodedImage,
  encodeImage,
  type FilteredImage,
  type FilterInput,
  movable,
  type ProcessInput,
  type ProcessOutput,
  processPng,
} from './process.js';
import { defaultSampleSize, generateSample } from './sample.js';

/** What `process` returns: the filtered PNG, its size, the time taken and which thread did it. */
export interface ProcessResult extends ProcessOutput {
  readonly threadId: number;
}

/** Decodes `input.png`, applies `input.filters`, encodes; the output bytes are moved, not copied. */
export function process(input: ProcessInput, { signal }: HandlerContext) {
  signal.throwIfAborted();
  const out: ProcessResult = { ...processPng(input), threadId };
  return transfer(out, [out.png.buffer]);
}

export interface GenerateInput {
  /** Which sample (each index is a different, reproducible image). */
  readonly index: number;
  /** Side in pixels. @default 1024 */
  readonly size?: number;
}

/** Sample image `index` as PNG bytes (moved to the caller). */
export function generate({ index, size = defaultSampleSize }: GenerateInput) {
  const png = generateSample(index, size);
  return transfer(png, [png.buffer]);
}

/** Pipeline stage 1 of 2: decodes and filters; the pixels are moved to the caller. */
export function filter(input: FilterInput, { signal }: HandlerContext) {
  signal.throwIfAborted();
  const out: FilteredImage = decodeAndFilter(input);
  return transfer(out, movable(out.image));
}

/** Pipeline stage 2 of 2: encodes the pixels (moved in) as PNG; the bytes are moved out. */
export function encode(
  input: { readonly name: string; readonly image: RgbaImage },
  { signal }: HandlerContext,
) {
  signal.throwIfAborted();
  const out: EncodedImage = encodeImage(input);
  return transfer(out, [out.png.buffer]);
}
