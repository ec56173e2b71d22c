/**
 * Pipelines (issue 18, point 5), each measurement in a fresh `node --expose-gc` child,
 * contenders interleaved per repetition (A B C, B C A, ...), workpool from the compiled
 * build (bench/results/build, what users run):
 *
 * - `three-stage`: 1,000,000 numbers through three tiny synchronous stages (+1, *2, -1) into
 *   a summing consumer: workpool `pipeline` (default buffers) vs Node's `stream.pipeline`
 *   with object-mode `Transform`s vs the same written by hand with workpool's `Channel`
 *   (one async loop per stage, `for await` + `send`, capacity 16 like the pipeline's
 *   default buffer). Throughput, and peak memory above the post-GC baseline (heapUsed +
 *   arrayBuffers, sampled every 10,000 items in the consumer, every image for images).
 * - `images`: the `workpool images` pipeline (read → filter → encode → write) vs the plain
 *   image job it replaced (one `process` task per file, reading in the thread, a window of
 *   2 x threads tasks, writes on the main thread), same ThreadPool size, same files.
 *
 *   node --import tsx bench/pipeline.ts [--reps 5] [--items 1000000] [--threads 2] [--images 16] [--size 512]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline as streamPipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { machine } from './lib/machine.js';
import { buildDir, buildWorkpool } from './lib/setup.js';
import { ratio, summarize } from './lib/stats.js';

type Lib = typeof import('../src/index.js');
type Images = typeof import('../src/images/index.js');
type CliPipeline = typeof import('../src/cli/images/pipeline.js');
type CliWindow = typeof import('../src/cli/run/window.js');

interface Args {
  reps: number;
  items: number;
  threads: number;
  images: number;
  size: number;
}

function parse(argv: readonly string[]): Args {
  const a: Args = { reps: 5, items: 1_000_000, threads: 2, images: 16, size: 512 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]?.replace(/^--/, '') as keyof Args;
    if (key in a) a[key] = Number(argv[++i]);
  }
  return a;
}

interface Measure {
  /** items (or images) per second */
  rate: number;
  /** peak heapUsed above the baseline, bytes */
  heap: number;
}

// ---- children --------------------------------------------------------------------------

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

function numbers(n: number): Iterable<number> {
  return {
    *[Symbol.iterator]() {
      for (let i = 0; i < n; i++) yield i;
    },
  };
}

/** heapUsed plus ArrayBuffers (pixels and file bytes live outside the JS heap). */
function used(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Tracks the peak of `used()`, sampled every 10,000 items (every image). */
class Peak {
  readonly base: number;
  peak = 0;
  constructor() {
    gc();
    this.base = used();
  }
  sample(count: number): void {
    if (count % 10_000 === 0) this.peak = Math.max(this.peak, used());
  }
  get bytes(): number {
    return Math.max(0, this.peak - this.base);
  }
}

async function threeStage(contender: string, n: number): Promise<Measure> {
  const lib = (await import(`${buildDir}index.js`)) as Lib;
  const peak = new Peak();
  let sum = 0;
  let count = 0;
  const t0 = performance.now();
  if (contender === 'workpool') {
    const out = lib.pipeline(
      numbers(n),
      (x) => x + 1,
      (x) => x * 2,
      (x) => x - 1,
    );
    for await (const x of out) {
      sum += x;
      peak.sample(++count);
    }
  } else if (contender === 'node-stream') {
    const stage = (f: (x: number) => number): Transform =>
      new Transform({
        objectMode: true,
        transform(chunk: number, _enc, done) {
          done(null, f(chunk));
        },
      });
    await streamPipeline(
      Readable.from(numbers(n)),
      stage((x) => x + 1),
      stage((x) => x * 2),
      stage((x) => x - 1),
      new Writable({
        objectMode: true,
        write(chunk: number, _enc, done) {
          sum += chunk;
          peak.sample(++count);
          done();
        },
      }),
    );
  } else {
    const { Channel } = lib;
    const a = new Channel<number>(16);
    const b = new Channel<number>(16);
    const c = new Channel<number>(16);
    const d = new Channel<number>(16);
    const stage = async (
      from: InstanceType<typeof Channel<number>>,
      to: InstanceType<typeof Channel<number>>,
      f: (x: number) => number,
    ): Promise<void> => {
      for await (const x of from) await to.send(f(x));
      to.close();
    };
    const running = [
      (async () => {
        for (const x of numbers(n)) await a.send(x);
        a.close();
      })(),
      stage(a, b, (x) => x + 1),
      stage(b, c, (x) => x * 2),
      stage(c, d, (x) => x - 1),
    ];
    for await (const x of d) {
      sum += x;
      peak.sample(++count);
    }
    await Promise.all(running);
  }
  const ms = performance.now() - t0;
  if (count !== n || sum !== n * n) throw new Error(`${contender}: wrong result ${count} ${sum}`);
  return { rate: n / (ms / 1000), heap: peak.bytes };
}

async function images(contender: string, dir: string, threads: number): Promise<Measure> {
  const lib = (await import(`${buildDir}index.js`)) as Lib;
  const img = (await import(`${buildDir}images/index.js`)) as Images;
  const files = (await readdir(dir)).filter((f) => f.endsWith('.png')).map((f) => join(dir, f));
  const out = join(tmpdir(), `wp-bench-images-out-${process.pid}`);
  await mkdir(out, { recursive: true });
  const pool = new lib.ThreadPool<typeof import('../src/images/tasks.js')>({
    module: new URL(`${buildDir}images/tasks.js`, 'file://'),
    minThreads: threads,
    maxThreads: threads,
  });
  const filters = ['grayscale', 'blur'] as const;
  // Warm: one untimed image per thread, as `workpool images` does.
  await Promise.all(
    Array.from({ length: threads }, () =>
      pool.run('process', { png: files[0] as string, filters }),
    ),
  );
  const peak = new Peak();
  let count = 0;
  const t0 = performance.now();
  if (contender === 'pipeline') {
    const { imagePipeline } = (await import(`${buildDir}cli/images/pipeline.js`)) as CliPipeline;
    const written = imagePipeline(files, {
      threads: pool,
      threadCount: threads,
      filters: [...filters],
      out,
      onFailure: (file, error) => {
        throw new Error(`${file}: ${String(error)}`);
      },
    });
    for await (const _ of written) peak.sample(++count * 10_000);
  } else {
    const { Window } = (await import(`${buildDir}cli/run/window.js`)) as CliWindow;
    async function* items(): AsyncGenerator<string> {
      yield* files;
    }
    const window = new Window(
      items(),
      (file: string) =>
        pool.run('process', { png: file, filters }).then((r) => ({ file, png: r.png })),
      { size: threads * 2, ordered: false },
    );
    for await (const r of window.results()) {
      await writeFile(join(out, img.sampleName(count)), r.png);
      peak.sample(++count * 10_000);
    }
  }
  const ms = performance.now() - t0;
  await pool.close();
  rmSync(out, { recursive: true, force: true });
  if (count !== files.length) throw new Error(`${contender}: ${count} of ${files.length} images`);
  return { rate: count / (ms / 1000), heap: peak.bytes };
}

// ---- parent ----------------------------------------------------------------------------

const self = fileURLToPath(import.meta.url);
const loader = fileURLToPath(new URL('./lib/tsx-main.mjs', import.meta.url));

function child(args: readonly string[]): Measure {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', loader, self, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`child ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(line.slice(7)) as Measure;
}

function table(
  title: string,
  unit: string,
  results: Map<string, Measure[]>,
  peer: string,
  scale: number,
): string {
  const rows = [
    `#### ${title}`,
    '',
    `| contender | median ${unit} | min | max | ratio to ${peer} (of medians) [per-rep min–max] | peak heap+ArrayBuffers median MB | min | max |`,
    '| :-- | --: | --: | --: | --: | --: | --: | --: |',
  ];
  const peerRate = summarize((results.get(peer) ?? []).map((m) => m.rate)).median;
  for (const [name, ms] of results) {
    const r = summarize(ms.map((m) => m.rate / scale));
    const h = summarize(ms.map((m) => m.heap / 2 ** 20));
    const per = ratio(
      ms.map((m) => m.rate),
      (results.get(peer) ?? []).map((m) => m.rate),
    );
    const shown =
      name === peer
        ? '1 (peer)'
        : `${((r.median * scale) / peerRate).toFixed(2)}x [${per.min.toFixed(2)}–${per.max.toFixed(2)}]`;
    rows.push(
      `| ${name} | ${r.median.toFixed(2)} | ${r.min.toFixed(2)} | ${r.max.toFixed(2)} | ${shown} | ${h.median.toFixed(1)} | ${h.min.toFixed(1)} | ${h.max.toFixed(1)} |`,
    );
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    const [, kind, contender, ...rest] = argv;
    const m =
      kind === 'three-stage'
        ? await threeStage(String(contender), Number(rest[0]))
        : await images(String(contender), String(rest[0]), Number(rest[1]));
    console.log(`RESULT ${JSON.stringify(m)}`);
    return;
  }
  const a = parse(argv);
  const started = new Date();
  const load = machine();
  buildWorkpool();
  const samples = join(tmpdir(), 'workpool-bench-pipeline', `${a.size}px-x${a.images}`);
  if (!existsSync(join(samples, `${a.images}.png`))) {
    mkdirSync(samples, { recursive: true });
    const img = (await import(`${buildDir}images/index.js`)) as Images;
    for (let i = 0; i < a.images; i++) {
      writeFileSync(join(samples, `${i + 1}.png`), img.generateSample(i, a.size));
    }
  }
  const cases = [
    {
      id: 'three-stage',
      contenders: ['workpool', 'node-stream', 'channels'],
      extra: [`${a.items}`],
    },
    { id: 'images', contenders: ['pipeline', 'plain'], extra: [samples, `${a.threads}`] },
  ];
  const results = new Map<string, Map<string, Measure[]>>();
  for (let rep = 0; rep < a.reps; rep++) {
    for (const c of cases) {
      const byContender = results.get(c.id) ?? new Map<string, Measure[]>();
      results.set(c.id, byContender);
      for (let k = 0; k < c.contenders.length; k++) {
        const name = c.contenders[(k + rep) % c.contenders.length] as string;
        const m = child(['--child', c.id, name, ...c.extra]);
        byContender.set(name, [...(byContender.get(name) ?? []), m]);
      }
    }
    process.stderr.write(`rep ${rep + 1}/${a.reps}\n`);
  }
  const order = (id: string, names: string[]): Map<string, Measure[]> =>
    new Map(names.map((n) => [n, results.get(id)?.get(n) ?? []]));
  console.log(
    [
      `Generated by \`node --import tsx bench/pipeline.ts ${argv.join(' ')}\` on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC (${a.reps} reps, each measurement in a fresh process; workpool from the compiled build). Node ${load.node}, ${load.platform}, ${load.cores} cores (${load.cpu}), load ${load.loadavg1mAtStart} at start.`,
      '',
      table(
        `\`pipeline/three-stage\`: ${a.items.toLocaleString('en-US')} numbers, three synchronous stages, one consumer`,
        'M items/s',
        order('three-stage', ['workpool', 'node-stream', 'channels']),
        'node-stream',
        1e6,
      ),
      '',
      table(
        `\`pipeline/images\`: ${a.images} PNGs of ${a.size}x${a.size}, grayscale + blur, ${a.threads} threads`,
        'images/s',
        order('images', ['pipeline', 'plain']),
        'plain',
        1,
      ),
    ].join('\n'),
  );
}

await main();
