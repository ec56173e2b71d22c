/**
 * Image filtering on worker threads, with pngjs: the tutorial's image-processing example,
 * for real. The filters and the PNG codec are plain functions usable anywhere; `tasks.ts`
 * wraps them as thread handlers.
 *
 * ```ts
 * import { ThreadPool } from 'workpool';
 * import { type ImageTasks, generateSample, imageTaskModule } from './images/index.js';
 *
 * const pool = new ThreadPool<ImageTasks>({ module: imageTaskModule });
 * const png = generateSample(0);
 * const out = await pool.run('process', { png, filters: ['grayscale', 'blur'] }, { transfer: [png.buffer] });
 * // out.png: filtered PNG bytes; out.width, out.height, out.ms, out.threadId
 * await pool.close();
 * ```
 */
export {
  applyFilters,
  boxBlur,
  defaultBlurRadius,
  type FilterName,
  type FilterOptions,
  filterNames,
  grayscale,
  invert,
  isFilterName,
  parseFilters,
  type RgbaImage,
  sepia,
  solidImage,
} from './filters.js';
export { decodePng, encodePng } from './png.js';
export {
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
export {
  defaultSampleSize,
  generateSample,
  sampleImage,
  sampleName,
  seededRandom,
} from './sample.js';
export type { GenerateInput, ProcessResult } from './tasks.js';

/** The task module's type, for `new ThreadPool<ImageTasks>(...)`. */
export type ImageTasks = typeof import('./tasks.js');

/**
 * Where the task module is: `tasks.ts` next to this file in development (run with tsx),
 * `tasks.js` once compiled, whichever this file itself is.
 */
export const imageTaskModule: URL = new URL(
  import.meta.url.endsWith('.ts') ? './tasks.ts' : './tasks.js',
  import.meta.url,
);
