/** Command-line options of `npm run bench -- ...`. */
export interface BenchArgs {
  readonly reps: number;
  readonly quick: boolean;
  /** Suite names or case-id prefixes (`pool`, `threads/2t`, `pool/heap`); empty = all. */
  readonly only: readonly string[];
  /** Thread counts for the threads suite. */
  readonly threads: readonly number[];
  /** Write BENCHMARKS.md (default: yes unless `--quick`). */
  readonly markdown: boolean;
  /** Contender whose children run under `--cpu-prof` (profiles in bench/results/prof/). */
  readonly profile: string | undefined;
  /** Kill a child after this many seconds. */
  readonly timeoutSec: number;
  /**
   * Benchmark workpool compiled (`build`), from `src` through tsx, or as users get it
   * (`pack`: `npm pack`, installed into a scratch directory, imported from there).
   */
  readonly from: 'build' | 'src' | 'pack';
}

export const usage = `Usage: npm run bench -- [options]
  --reps N          repetitions, contenders interleaved within each (default 5; 1 with --quick)
  --quick           small sizes, 1 rep, no BENCHMARKS.md update (smoke run)
  --only LIST       comma-separated suites or case-id prefixes: pool, threads, threads/2t, pool/heap
  --threads LIST    thread counts for the threads suite (default 2,4)
  --no-md           do not touch BENCHMARKS.md
  --md              update BENCHMARKS.md even with --quick
  --profile NAME    run NAME's children with --cpu-prof (bench/results/prof/)
  --timeout SEC     kill a child after SEC seconds (default 180)
  --from build|src|pack  workpool compiled to bench/results/build first (default), src/ via
                    tsx, or the packed tarball installed in a scratch directory`;

function positiveInt(flag: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`Expected ${flag} to be a positive integer, got ${raw}`);
  return n;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  let reps: number | undefined;
  let quick = false;
  let only: string[] = [];
  let threads = [2, 4];
  let markdown: boolean | undefined;
  let profile: string | undefined;
  let timeoutSec = 180;
  let from: 'build' | 'src' | 'pack' = 'build';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string | undefined => argv[++i];
    switch (a) {
      case '--reps':
        reps = positiveInt('--reps', next());
        break;
      case '--quick':
        quick = true;
        break;
      case '--only':
        only = (next() ?? '').split(',').filter((s) => s.length > 0);
        break;
      case '--threads':
        threads = (next() ?? '').split(',').map((s) => positiveInt('--threads', s));
        break;
      case '--no-md':
        markdown = false;
        break;
      case '--md':
        markdown = true;
        break;
      case '--profile':
        profile = next();
        break;
      case '--timeout':
        timeoutSec = positiveInt('--timeout', next());
        break;
      case '--from': {
        const v = next();
        if (v !== 'build' && v !== 'src' && v !== 'pack')
          throw new RangeError(`Expected --from to be build, src or pack, got ${v}`);
        from = v;
        break;
      }
      case '--help':
      case '-h':
        console.log(usage);
        process.exit(0);
        break;
      default:
        throw new TypeError(`Unknown option ${a}\n${usage}`);
    }
  }
  return {
    reps: reps ?? (quick ? 1 : 5),
    quick,
    only,
    threads,
    markdown: markdown ?? !quick,
    profile,
    timeoutSec,
    from,
  };
}
