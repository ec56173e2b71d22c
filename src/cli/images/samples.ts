import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ImageTasks, sampleName } from '../../images/index.js';
import type { ThreadPool } from '../../index.js';
import { Window } from '../run/window.js';

/**
 * The sample set `workpool images` uses when given no folder: `count` deterministic PNGs of
 * `size`² pixels, generated on the pool's threads once and cached in the OS temp folder
 * (same bytes on every machine, so a cached set is as good as a fresh one).
 */
export async function ensureSamples(
  pool: ThreadPool<ImageTasks>,
  count: number,
  size: number,
  log: (message: string) => void,
): Promise<string> {
  const dir = join(tmpdir(), 'workpool-samples', `${size}px-x${count}`);
  const missing = Array.from({ length: count }, (_, i) => i).filter(
    (i) => !existsSync(join(dir, sampleName(i))),
  );
  if (missing.length === 0) {
    log(`Using ${count} cached sample images (${size}x${size}) in ${dir}`);
    return dir;
  }
  log(`Generating ${missing.length} sample images (${size}x${size}) into ${dir} ...`);
  await mkdir(dir, { recursive: true });
  const write = async (i: number): Promise<void> => {
    const png = await pool.run('generate', { index: i, size });
    // Write then rename, so an interrupted run never leaves a truncated sample behind.
    const path = join(dir, sampleName(i));
    const partial = `${path}.${process.pid}.partial`;
    await writeFile(partial, png);
    await rename(partial, path);
  };
  const window = new Window(items(missing), write, {
    size: pool.stats().concurrency.max * 2,
    ordered: false,
  });
  for await (const _ of window.results());
  return dir;
}

/** An array as a lazy async source. */
export async function* items<T>(array: readonly T[]): AsyncGenerator<T> {
  yield* array;
}
