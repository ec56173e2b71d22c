/**
 * `node --import tsx bench/ab.ts [--a main] [--b HEAD] [--reps 5] [--suite threads|pool] [--threads 2]`
 *
 * Workpool against itself: two git revisions of src/, each compiled to
 * bench/results/ab/<name>/, measured alternately (A B, B A, ...) in fresh child processes
 * by the threads suite's throughput and latency cases, or the pool suite's run and map
 * cases (sync and async functions), so machine noise falls on both alike. Prints each repetition's figures and B/A ratios with min / median / max. Touches
 * neither BENCHMARKS.md nor bench/results/<suite>.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { calibrateBusy } from './lib/setup.js';
import { runChild } from './lib/spawn.js';
import { poolCases } from './suites/pool.js';
import { threadCases } from './suites/threads.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const argv = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const revs = { A: flag('a', 'main'), B: flag('b', 'HEAD') };
const reps = Number(flag('reps', '5'));
const threads = Number(flag('threads', '2'));
const suite = flag('suite', 'threads');
if (suite !== 'threads' && suite !== 'pool') throw new Error(`--suite threads|pool, got ${suite}`);

/** Compiles `rev`'s src/ (git archive, so the worktree is not touched); returns its entry. */
function build(rev: string): string {
  const commit = execFileSync('git', ['rev-parse', '--short', rev], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  const dir = `${root}bench/results/ab/${commit}/`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tar = execFileSync(
    'git',
    ['archive', commit, 'src', 'tsconfig.build.json', 'tsconfig.json', 'package.json'],
    { cwd: root, maxBuffer: 256 * 1024 * 1024 }, // src/ is over the 1 MiB default
  );
  spawnSync('tar', ['-x', '-C', dir], { input: tar });
  if (!existsSync(`${dir}node_modules`)) symlinkSync(`${root}node_modules`, `${dir}node_modules`);
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  spawnSync(
    process.execPath,
    [
      tsc,
      '-p',
      'tsconfig.build.json',
      '--outDir',
      `${dir}out`,
      '--declaration',
      'false',
      '--sourceMap',
      'false',
    ],
    { cwd: dir },
  );
  const entry = `${dir}out/index.js`;
  if (!existsSync(entry)) throw new Error(`could not compile ${rev}`);
  console.error(`${rev} = ${commit} -> ${entry}`);
  return entry;
}

const entries = { A: build(revs.A), B: build(revs.B) };
const cases =
  suite === 'threads'
    ? threadCases(false, [threads], calibrateBusy(25)).filter(
        (c) => c.kind === 'throughput' || c.kind === 'latency',
      )
    : poolCases(false).filter((c) =>
        ['pool/run-noop', 'pool/map', 'pool/run-async', 'pool/map-async-unordered'].includes(c.id),
      );
const figures = new Map<string, { A: number[]; B: number[] }>();
for (let rep = 0; rep < reps; rep++) {
  for (const c of cases) {
    const order = rep % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const);
    for (const side of order) {
      const { result } = await runChild(
        { suite: c.suite, kind: c.kind, contender: 'workpool', params: c.params },
        { gc: c.gc, flags: [], timeoutMs: 180_000, env: { WORKPOOL_FROM: entries[side] } },
      );
      if (!result.ok) throw new Error(`${c.id} ${side}: ${result.error}`);
      for (const [key, v] of Object.entries(result.metrics)) {
        const id = `${c.id} ${key}`;
        const f = figures.get(id) ?? { A: [], B: [] };
        f[side].push(v);
        figures.set(id, f);
      }
      console.error(
        `[rep ${rep + 1}/${reps}] ${c.id} ${side}: ${JSON.stringify(result.metrics)} load ${loadavg()[0]?.toFixed(2)}`,
      );
    }
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const fmt = (xs: number[]): string =>
  `${Math.min(...xs).toPrecision(4)} / ${median(xs).toPrecision(4)} / ${Math.max(...xs).toPrecision(4)}`;
console.log(`A = ${revs.A}, B = ${revs.B}; ${reps} interleaved repetitions; min / median / max`);
for (const [id, f] of figures) {
  const ratios = f.B.map((b, i) => b / (f.A[i] as number));
  console.log(`${id}: A ${fmt(f.A)} | B ${fmt(f.B)} | B/A per rep ${fmt(ratios)}`);
}
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
