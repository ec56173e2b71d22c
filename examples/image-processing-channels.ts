/**
 * The tutorial's (simulated) image processing, with Go's primitives: 3 workers "filter"
 * 8 images, each taking size/10 ms. Prints each result as it comes, then the summary:
 * wall time, the sequential time (the sum of all processing times) and the speedup.
 * For real images on threads, see image-processing-real.ts.
 */
import { Channel, WaitGroup } from '../src/index.js';
import { type ExampleIO, formatDuration, runIfMain } from './io.js';

export interface ImageTask {
  readonly id: number;
  readonly name: string;
  /** Size in KB. */
  readonly size: number;
}

export interface ProcessedImage {
  readonly taskId: number;
  readonly originalName: string;
  readonly newName: string;
  readonly processTime: number;
}

export const sampleImages: readonly ImageTask[] = [
  { id: 1, name: 'vacation.jpg', size: 2500 },
  { id: 2, name: 'family.jpg', size: 3200 },
  { id: 3, name: 'birthday.jpg', size: 1800 },
  { id: 4, name: 'wedding.jpg', size: 4500 },
  { id: 5, name: 'graduation.jpg', size: 2800 },
  { id: 6, name: 'party.jpg', size: 1500 },
  { id: 7, name: 'trip.jpg', size: 3600 },
  { id: 8, name: 'concert.jpg', size: 2200 },
];

/** Simulates applying a filter: processing time proportional to the image size. */
export async function applyFilter(io: ExampleIO, img: ImageTask): Promise<ProcessedImage> {
  const processTime = Math.floor(img.size / 10);
  await io.sleep(processTime);
  return {
    taskId: img.id,
    originalName: img.name,
    newName: `${img.name.slice(0, -4)}_filtered.jpg`,
    processTime,
  };
}

export interface Summary {
  readonly processed: number;
  readonly totalTime: number;
  readonly sequentialTime: number;
  readonly speedup: number;
}

/** The tutorial's closing lines. */
export function printSummary(io: ExampleIO, processed: number, totalTime: number, workers: number) {
  io.log('');
  io.log(
    `Summary: Processed ${processed} images in ${formatDuration(totalTime)} using ${workers} workers`,
  );
  const sequentialTime = sampleImages.reduce((sum, img) => sum + Math.floor(img.size / 10), 0);
  io.log(`Sequential processing would take approximately: ${formatDuration(sequentialTime)}`);
  const speedup = sequentialTime / totalTime;
  io.log(`Speedup factor: ${speedup.toFixed(2)}x`);
  return { processed, totalTime, sequentialTime, speedup };
}

export async function main(io: ExampleIO): Promise<Summary> {
  const imageTasks = new Channel<ImageTask>(sampleImages.length);
  const processedImages = new Channel<ProcessedImage>(sampleImages.length);

  const wg = new WaitGroup();
  const numWorkers = 3;
  for (let w = 1; w <= numWorkers; w++) {
    wg.add(1);
    void worker(io, w, imageTasks, processedImages, wg);
  }

  const startTime = io.clock.now();
  for (const img of sampleImages) await imageTasks.send(img);
  imageTasks.close();

  void wg.wait().then(() => processedImages.close());

  let totalProcessed = 0;
  for await (const processed of processedImages) {
    totalProcessed++;
    io.log(
      `Processed: ${processed.originalName} → ${processed.newName} (took ${formatDuration(processed.processTime)})`,
    );
  }
  return printSummary(io, totalProcessed, io.clock.now() - startTime, numWorkers);
}

async function worker(
  io: ExampleIO,
  id: number,
  images: Channel<ImageTask>,
  results: Channel<ProcessedImage>,
  wg: WaitGroup,
) {
  try {
    for await (const img of images) {
      io.log(`Worker ${id} processing image: ${img.name}`);
      await results.send(await applyFilter(io, img));
    }
  } finally {
    wg.done();
  }
}

runIfMain(import.meta, main);
