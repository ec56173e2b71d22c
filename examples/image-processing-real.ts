/**
 * The tutorial's image-processing program, for real: PNGs are decoded, filtered
 * (grayscale, then blur) and encoded on worker threads (src/images/tasks.ts), written to an
 * output directory, and the speedup is measured against doing the same work sequentially
 * on the main thread, not estimated. Timings are real wall-clock times, whatever `io.clock`.
 */
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  type FilterName,
  generateSample,
  type ImageTasks,
  imageTaskModule,
  processPng,
  sampleName,
} from '../src/images/index.js';
import { ThreadPool } from '../src/index.js';
import { type ExampleIO, runIfMain } from './io.js';

export interface RealImageOptions {
  /** How many sample images to generate (ignored with `input`). @default 6 */
  readonly count?: number;
  /** Side of the generated samples in pixels. @default 1024 */
  readonly size?: number;
  /** A directory of `.png` files to process instead of generated samples. */
  readonly input?: string;
  /** Where `<name>_filtered.png` files go. @default a new temporary directory */
  readonly output?: string;
  /** @default min(4, os.availableParallelism()) */
  readonly threads?: number;
  /** @default ['grayscale', 'blur'] */
  readonly filters?: readonly FilterName[];
}

export interface RealImageReport {
  readonly outputDir: string;
  readonly images: readonly { readonly name: string; readonly output: string }[];
  readonly wallMs: number;
  readonly sequentialMs: number;
  readonly speedup: number;
}

interface InputImage {
  readonly name: string;
  readonly png: Uint8Array;
}

export async function main(
  io: ExampleIO,
  options: RealImageOptions = {},
): Promise<RealImageReport> {
  const threads = options.threads ?? Math.min(4, availableParallelism());
  const filters = options.filters ?? ['grayscale', 'blur'];
  const outputDir = options.output ?? (await mkdtemp(join(tmpdir(), 'workpool-images-')));
  await mkdir(outputDir, { recursive: true });
  const images = await loadImages(options);
  io.log(`${images.length} images, filters: ${filters.join(' → ')}, output: ${outputDir}`);

  const pool = new ThreadPool<ImageTasks>({
    module: imageTaskModule,
    minThreads: threads,
    maxThreads: threads,
  });
  // Warm-up, untimed: load the module and let the JIT compile the filters in every thread
  // (and in this one), so neither side of the comparison pays for it.
  const warm = generateSample(0, 256);
  await Promise.all(
    Array.from({ length: threads }, () => pool.run('process', { png: warm, filters })),
  );
  processPng({ png: warm, filters });

  // Equal priorities start in submission order, so the n-th start is the n-th image.
  let started = 0;
  pool.on('start', () => io.log(`Worker thread processing image: ${images[started++]?.name}`));
  const written: { name: string; output: string }[] = [];
  const startTime = performance.now();
  await Promise.all(
    images.map(async (img) => {
      const png = new Uint8Array(img.png); // a copy to move to the thread; `img.png` stays here
      const out = await pool.run('process', { png, filters }, { transfer: [png.buffer] });
      const output = join(outputDir, `${basename(img.name, '.png')}_filtered.png`);
      await writeFile(output, out.png);
      written.push({ name: img.name, output });
      io.log(
        `Processed: ${img.name} → ${basename(output)} (took ${Math.round(out.ms)}ms in thread ${out.threadId})`,
      );
    }),
  );
  const wallMs = performance.now() - startTime;
  await pool.close();

  // The same work, one image after the other, on this thread: measured, not estimated.
  const seqStart = performance.now();
  for (const img of images) processPng({ png: img.png, filters });
  const sequentialMs = performance.now() - seqStart;

  const speedup = sequentialMs / wallMs;
  io.log('');
  io.log(
    `Summary: Processed ${written.length} images in ${Math.round(wallMs)}ms using ${threads} threads`,
  );
  io.log(`Sequential processing (measured, main thread): ${Math.round(sequentialMs)}ms`);
  io.log(`Speedup factor: ${speedup.toFixed(2)}x`);
  return { outputDir, images: written, wallMs, sequentialMs, speedup };
}

async function loadImages(options: RealImageOptions): Promise<InputImage[]> {
  const { input } = options;
  if (input !== undefined) {
    const files = (await readdir(input)).filter((f) => f.toLowerCase().endsWith('.png')).sort();
    return Promise.all(
      files.map(async (name) => ({ name, png: await readFile(join(input, name)) })),
    );
  }
  const count = options.count ?? 6;
  return Array.from({ length: count }, (_, i) => ({
    name: sampleName(i),
    png: generateSample(i, options.size),
  }));
}

runIfMain(import.meta, main);
