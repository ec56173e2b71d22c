import type { Command } from 'commander';
import { filterNames } from '../../images/filters.js';
import { duration, integer, list } from '../parse.js';

interface Flags {
  readonly out: string;
  readonly filter: readonly string[];
  readonly radius?: number;
  readonly threads?: number;
  readonly sequential?: number;
  readonly count: number;
  readonly size: number;
  readonly quiet?: true;
  readonly progressInterval: number;
}

/** `workpool images [dir]`: the tutorial's image job, on threads, with the speedup measured. */
export function register(program: Command): void {
  program
    .command('images')
    .summary('filter a folder of PNG images on worker threads and measure the speedup')
    .description(
      'Decodes, filters and re-encodes every PNG in [dir] on worker threads, writes the results to --out, then times the same work one image at a time on the main thread and reports the measured speedup. Without [dir], a deterministic sample set is generated once and cached.',
    )
    .argument('[dir]', 'folder of .png files (default: a generated sample set)')
    .option('-o, --out <dir>', 'where the filtered images go', 'out')
    .option(
      '-f, --filter <names>',
      `filters applied in order, from: ${filterNames.join(', ')}`,
      list(filterNames),
      ['grayscale', 'blur'],
    )
    .option('--radius <px>', 'blur radius (default 2)', integer(1))
    .option('-t, --threads <n>', 'worker threads (default: available parallelism)', integer(1))
    .option(
      '--sequential <n>',
      'images timed sequentially on the main thread (default: all, up to 16; 0 to skip)',
      integer(0),
    )
    .option('--count <n>', 'sample images to generate when no [dir] is given', integer(1), 8)
    .option('--size <px>', 'side of each generated sample image', integer(16), 1024)
    .option('-q, --quiet', 'no progress on stderr (the summary is still printed)')
    .option(
      '--progress-interval <duration>',
      'period of plain progress lines when stderr is not a terminal',
      duration,
      2000,
    )
    .action(async (dir: string | undefined, flags: Flags) => {
      const { images } = await import('./images.js');
      process.exitCode = await images({
        dir,
        out: flags.out,
        filters: flags.filter,
        radius: flags.radius,
        threads: flags.threads,
        sequential: flags.sequential,
        count: flags.count,
        size: flags.size,
        quiet: flags.quiet === true,
        progressInterval: flags.progressInterval,
      });
    });
}
