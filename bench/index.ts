/**
 * `npm run bench -- [--reps N] [--quick] [--only LIST] [--threads 2,4] [--profile NAME]`
 *
 * Every measurement runs in a fresh child process (bench/child.ts). Within each repetition
 * the contenders of a case run one after another, starting at a different contender each
 * repetition (A B C, B C A, C A B, ...), so machine noise falls on all alike. Prints a
 * table per case, writes raw samples to bench/results/<suite>.json and regenerates the
 * suite's section of BENCHMARKS.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyze, type CaseReport } from './lib/analyze.js';
import { parseArgs } from './lib/args.js';
import { consoleReport } from './lib/format.js';
import { machine } from './lib/machine.js';
import { updateMarkdown } from './lib/markdown.js';
import { buildWorkpool, calibrateBusy, packWorkpool } from './lib/setup.js';
import { runChild } from './lib/spawn.js';
import type { CaseDef, Sample, SuiteName } from './lib/types.js';
import { poolCases } from './suites/pool.js';
import { threadCases } from './suites/threads.js';

const args = parseArgs(process.argv.slice(2));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });

const selected = (id: string): boolean =>
  args.only.length === 0 || args.only.some((o) => id === o || id.startsWith(`${o}/`));

const wantThreads = [...args.threads].some((t) => selected(`threads/${t}t`));
let from: string = args.from;
if (args.from === 'build') {
  console.error('compiling src/ to bench/results/build ...');
  buildWorkpool();
} else if (args.from === 'pack') {
  console.error('packing workpool and installing it in bench/results/pack ...');
  from = packWorkpool();
}
const iterations = wantThreads ? calibrateBusy(25) : 0;
const cases: CaseDef[] = [
  ...poolCases(args.quick),
  ...threadCases(args.quick, args.threads, iterations),
].filter((c) => selected(c.id));
if (cases.length === 0) throw new Error(`--only ${args.only.join(',')} selects no case`);

const env = { WORKPOOL_FROM: from };
const samples = new Map<string, Sample[]>(cases.map((c) => [c.id, []]));
const started = new Date();
const t0 = performance.now();
for (let rep = 0; rep < args.reps; rep++) {
  for (const c of cases) {
    const list = samples.get(c.id) ?? [];
    const k = c.contenders.length;
    for (let j = 0; j < k; j++) {
      const contender = c.contenders[(rep + j) % k] ?? '';
      const flags = [...(c.nodeFlags ?? [])];
      if (args.profile === contender)
        flags.push('--cpu-prof', '--cpu-prof-dir', `${resultsDir}prof`);
      const { result, wallMs } = await runChild(
        { suite: c.suite, kind: c.kind, contender, params: c.params },
        { gc: c.gc, flags, timeoutMs: args.timeoutSec * 1000, env },
      );
      list.push({ rep, contender, wallMs, result });
      const shown = result.ok
        ? Object.entries(result.metrics)
            .map(([key, v]) => `${key}=${Number(v.toPrecision(4))}`)
            .join(' ')
        : `${result.skipped ? 'SKIPPED' : 'FAILED'} ${result.error.split('\n')[0]}`;
      console.error(
        `[rep ${rep + 1}/${args.reps}] ${c.id} ${contender}: ${shown} (${(wallMs / 1000).toFixed(1)} s)`,
      );
    }
  }
}
const elapsedSec = (performance.now() - t0) / 1000;

const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const meta = {
  command,
  started: started.toISOString(),
  elapsedSec,
  reps: args.reps,
  quick: args.quick,
  from: args.from,
  iterations,
  machine: machine(),
};
const reports = new Map<SuiteName, CaseReport[]>();
for (const c of cases) {
  const report = analyze(c, samples.get(c.id) ?? [], args.reps);
  console.log(consoleReport(report));
  reports.set(c.suite, [...(reports.get(c.suite) ?? []), report]);
}
for (const [suite, list] of reports) {
  const file = `${resultsDir}${suite}${args.quick ? '.quick' : ''}.json`;
  const raw = list.map((r) => ({ def: r.def, samples: samples.get(r.def.id) ?? [] }));
  writeFileSync(file, `${JSON.stringify({ meta, cases: raw }, null, 2)}\n`);
  console.error(`wrote ${file}`);
  if (args.markdown) {
    updateMarkdown(suite, list, meta);
    console.error(`updated BENCHMARKS.md (${suite} section)`);
  }
}
console.error(`done in ${elapsedSec.toFixed(0)} s`);
