/**
 * `workpool images`: the tutorial's image job. Every PNG of a folder goes through a pipeline
 * (pipeline.ts): read → decode + filter on a thread → encode on a thread → write, I/O
 * overlapping the threads' work; then the same images are processed one by one on the main
 * thread, so the speedup in the summary is measured, not estimated.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { type ImageTasks, imageTaskModule, parseFilters, processPng } from '../../images/index.js';
import { ThreadPool } from '../../index.js';
import { describeError, ExitCode, type ExitCodeValue, UsageError } from '../errors.js';
import { count, duration, percentiles, rate } from '../format.js';
import { exitCodeOf, onInterrupt, type StopSignal } from '../interrupt.js';
import { startProgress } from '../progress.js';
import { imagePipeline } from './pipeline.js';
import { ensureSamples } from './samples.js';

export interface ImagesOptions {
  /** Folder of PNGs; `undefined` for the generated sample set. */
  readonly dir: string | undefined;
  readonly out: string;
  readonly filters: readonly string[];
  readonly radius: number | undefined;
  readonly threads: number | undefined;
  /** Images timed sequentially; `undefined` for all of them up to `sequentialCap`. */
  readonly sequential: number | undefined;
  readonly count: number;
  readonly size: number;
  readonly quiet: boolean;
  readonly progressInterval: number;
}

/** Enough images for a stable sequential figure without doubling a long run. */
const sequentialCap = 16;

export async function images(o: ImagesOptions): Promise<ExitCodeValue> {
  const filters = parseFilters(o.filters);
  const threads = o.threads ?? availableParallelism();
  const log = (message: string): void => void process.stderr.write(`${message}\n`);
  const pool = new ThreadPool<ImageTasks>({
    module: imageTaskModule,
    minThreads: threads,
    maxThreads: threads,
  });
  // Counted from construction (threads cannot come online before this tick ends).
  let online = 0;
  const onlineWaiters: (() => void)[] = [];
  const wakeAll = (): void => {
    for (const wake of onlineWaiters.splice(0)) wake();
  };
  pool.threads.on('online', () => {
    online++;
    wakeAll();
  });
  pool.on('health', wakeAll);
  let interrupted = false;
  let stopSignal: StopSignal = 'SIGINT';
  const stopInterrupt = onInterrupt((signal) => {
    interrupted = true;
    stopSignal = signal;
    wakeAll();
  }, process.stderr);
  try {
    const dir = o.dir ?? (await ensureSamples(pool, o.count, o.size, log));
    const files = await listPngs(dir);
    await mkdir(o.out, { recursive: true });
    const options = { filters, ...(o.radius === undefined ? {} : { radius: o.radius }) };

    // ---- on threads --------------------------------------------------------------------
    // The clock starts once every thread is up: the figure is the work, not the thread start.
    while (online < threads && pool.stats().healthy && !interrupted) {
      await new Promise<void>((wake) => onlineWaiters.push(wake));
    }
    // One untimed image per thread first (and one on the main thread before the sequential
    // timing): both sides are then timed warm, not on their first, unoptimized run.
    if (files.length > 0 && !interrupted) {
      const first = { png: files[0] as string, ...options };
      await Promise.allSettled(Array.from({ length: threads }, () => pool.run('process', first)));
    }
    const tally = { ok: 0, failed: 0 };
    const sizes = new Set<string>();
    const started = performance.now();
    // Ctrl-C: no more files are read; the images already read are finished and written.
    const written = imagePipeline(files, {
      stopped: () => interrupted,
      threads: pool,
      threadCount: threads,
      filters,
      radius: o.radius,
      out: o.out,
      onFailure: (file, error) => {
        tally.failed++;
        log(`images: ${file}: ${describeError(error).message}`);
      },
    });
    const progress = startProgress(
      { done: () => tally.ok + tally.failed, failed: () => tally.failed },
      {
        stream: process.stderr,
        label: 'images',
        unit: 'images',
        total: files.length,
        interval: o.progressInterval,
        quiet: o.quiet,
      },
    );
    for await (const image of written) {
      sizes.add(`${image.width}x${image.height}`);
      tally.ok++;
    }
    const wall = performance.now() - started;
    progress.stop();
    const byStage = pool.stats().byName;
    await pool.close();
    if (interrupted) {
      log(`workpool images: interrupted after ${count(tally.ok)} of ${count(files.length)} images`);
      return exitCodeOf(stopSignal);
    }

    // ---- one by one, on the main thread --------------------------------------------------
    const n = Math.min(files.length, o.sequential ?? sequentialCap);
    let sequential: number | undefined;
    if (n > 0 && tally.failed === 0) {
      if (!o.quiet) log(`Timing the same work sequentially on the main thread (${n} images) ...`);
      processPng({ png: files[0] as string, ...options }); // warm-up, untimed
      const t0 = performance.now();
      for (const file of files.slice(0, n)) {
        processPng({ png: file, ...options });
        if (interrupted) return exitCodeOf(stopSignal);
      }
      sequential = ((performance.now() - t0) * files.length) / n;
    }

    const what = sizes.size === 1 ? ` (${[...sizes][0]})` : '';
    const lines = [
      `workpool images: ${count(tally.ok)} images${what}, filters ${filters.join(', ')}, ${threads} threads${
        tally.failed > 0 ? `, ${count(tally.failed)} failed` : ''
      }`,
      `  wall time   ${duration(wall)} (${rate(tally.ok, wall).replace('/s', ' images/s')})`,
    ];
    if (sequential !== undefined) {
      const how =
        n === files.length ? 'measured' : `measured on ${n} of ${files.length} images, scaled`;
      lines.push(
        `  sequential  ${duration(sequential)} (${how}, main thread)`,
        `  speedup     ${(sequential / wall).toFixed(2)}x on ${threads} threads`,
      );
    }
    for (const [stage, label] of [
      ['filter', 'decode+filter'],
      ['encode', 'encode'],
    ] as const) {
      const time = byStage[stage]?.runTime;
      if (time !== undefined && time.count > 0)
        lines.push(`  ${label.padEnd(13)} ${percentiles(time)}`);
    }
    lines.push(`  output        ${resolve(o.out)}`);
    log(lines.join('\n'));
    return tally.failed > 0 ? ExitCode.failed : ExitCode.ok;
  } finally {
    stopInterrupt();
    await pool.terminate();
  }
}

async function listPngs(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new UsageError(`Cannot read image folder ${dir}: ${describeError(error).message}`);
  }
  const files = names
    .filter((name) => name.toLowerCase().endsWith('.png'))
    .sort()
    .map((name) => join(dir, name));
  if (files.length === 0) throw new UsageError(`No .png files in ${resolve(dir)}`);
  return files;
}
