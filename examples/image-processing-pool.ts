/**
 * The tutorial's (simulated) image processing with a Pool of 3: one `run` per image,
 * results printed as each finishes, then the same summary as the channel version.
 */
import { Pool } from '../src/index.js';
import {
  applyFilter,
  printSummary,
  type Summary,
  sampleImages,
} from './image-processing-channels.js';
import { type ExampleIO, formatDuration, runIfMain } from './io.js';

export async function main(io: ExampleIO): Promise<Summary> {
  const numWorkers = 3;
  const pool = new Pool({ concurrency: numWorkers, clock: io.clock });
  const startTime = io.clock.now();

  let totalProcessed = 0;
  await Promise.all(
    sampleImages.map(async (img) => {
      const processed = await pool.run(() => {
        io.log(`Processing image: ${img.name}`);
        return applyFilter(io, img);
      });
      totalProcessed++;
      io.log(
        `Processed: ${processed.originalName} → ${processed.newName} (took ${formatDuration(processed.processTime)})`,
      );
    }),
  );
  const totalTime = io.clock.now() - startTime;
  await pool.close();
  return printSummary(io, totalProcessed, totalTime, numWorkers);
}

runIfMain(import.meta, main);
